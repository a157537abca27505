-- How many reports each desk has in each status, kept by the transactions that store or move a
-- report (intake, decisions, completing an address), so that the dashboard's navigation reads a
-- few rows instead of counting every report. desk_id 0: reports routed to no desk. Several rows
-- ("shards") may count the same desk and status: PostgreSQL transactions add to a shard of their
-- own choosing so that concurrent intake does not queue on one row; the count is their sum.
CREATE TABLE report_counts (
    desk_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    shard INTEGER NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (desk_id, status, shard)
);
INSERT INTO report_counts (desk_id, status, shard, n)
SELECT COALESCE(desk_id, 0), status, 0, COUNT(*) FROM reports GROUP BY COALESCE(desk_id, 0), status;
