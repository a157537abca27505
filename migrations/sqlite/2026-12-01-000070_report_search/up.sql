-- The word index of the reports' text (src/reports/search.rs makes its tokens: passage,
-- explanation and the words of the article's URL, folded, Chinese/Japanese/Korean runs as
-- overlapping pairs). Contentless: the tokens are not stored twice, the index alone is kept, and
-- an entry can be deleted (contentless_delete). The rowid is the report's id. unicode61 reads the
-- tokens back one by one: letters, digits and marks are token characters.
CREATE VIRTUAL TABLE report_search USING fts5(
    words,
    content = '',
    contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
);

-- The reports that exist now, indexed by the application after the migrations (SQL cannot make
-- the tokens): `disinfo-desk migrate` and every start take them in batches until none is left.
CREATE TABLE report_search_backlog (
    report_id INTEGER PRIMARY KEY NOT NULL REFERENCES reports (id) ON DELETE CASCADE
);
INSERT INTO report_search_backlog (report_id) SELECT id FROM reports;

-- A report that is deleted leaves the index with it.
CREATE TRIGGER report_search_forget AFTER DELETE ON reports BEGIN
    DELETE FROM report_search WHERE rowid = old.id;
END;

-- A search for a web address reads the articles by host and path (prefix).
CREATE INDEX articles_host_path_idx ON articles (host, path);
CREATE INDEX articles_path_idx ON articles (path);
