DROP INDEX articles_path_idx;
DROP INDEX articles_host_path_idx;
DROP TRIGGER report_search_forget;
DROP TABLE report_search_backlog;
DROP TABLE report_search;
