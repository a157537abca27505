DROP INDEX articles_path_idx;
DROP INDEX articles_host_path_idx;
DROP TABLE report_search_backlog;
DROP TABLE report_search;
