-- Nothing to change on SQLite: its one writer stores reports one after another, so their ids
-- already follow the order they commit. PostgreSQL's migration of the same name makes intake
-- draw a report's id after its article's lock.
SELECT 1;
