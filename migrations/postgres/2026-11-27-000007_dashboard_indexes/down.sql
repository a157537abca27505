DROP INDEX reports_desk_status_idx;
DROP INDEX reports_article_mix_idx;
