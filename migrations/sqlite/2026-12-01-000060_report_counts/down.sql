DROP TABLE report_counts;
