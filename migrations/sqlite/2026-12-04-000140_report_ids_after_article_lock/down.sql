-- Nothing to change on SQLite (see up.sql).
SELECT 1;
