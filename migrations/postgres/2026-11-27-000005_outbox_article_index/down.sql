DROP INDEX outbox_article_kind_idx;
