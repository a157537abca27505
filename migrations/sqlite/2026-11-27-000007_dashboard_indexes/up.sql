-- Indexes for the review dashboard at a million reports (scripts/bench-dashboard measures them).

-- The queue's desk and category of each listed article: the matching reports of 50 articles, read
-- from the index alone (the hottest articles have thousands of open reports each, scattered over
-- the table). Its (article_id, status, created_at) prefix also serves an article's open recount.
CREATE INDEX reports_article_mix_idx ON reports (article_id, status, created_at, desk_id, category);

-- A desk's view: its queue (its open reports grouped by article, and their mix) and its counts per
-- status, from the index alone instead of every open report of every desk.
CREATE INDEX reports_desk_status_idx ON reports (desk_id, status, article_id, created_at, category);
