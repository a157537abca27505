DROP TABLE article_snapshots;
