-- Escalation checks look up an article's recent messages on every report of a hot article.
CREATE INDEX outbox_article_kind_idx ON outbox (article_id, kind, created_at);
