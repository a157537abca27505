DROP TABLE auth_events;
DROP TABLE login_failures;
DROP TABLE sessions;
