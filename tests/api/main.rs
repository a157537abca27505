//! Black-box tests: real HTTP against the application on a random port, on a real database.
//! `DESK_TEST_BACKEND=postgres` runs the same tests on PostgreSQL (scripts/test does both).

mod abuse;
mod accounts;
mod appeals;
mod cli;
mod corrections;
mod dashboard;
mod decisions;
mod demo;
mod desk_pages;
mod editor_api;
mod embed;
mod faults;
mod group_commit;
mod health;
mod helpers;
mod instances;
mod intake_api;
mod intake_form;
mod languages;
mod mail_intake;
mod metrics;
mod notify;
mod openapi;
mod pages_scale;
mod pages_words;
mod phone_reports;
mod privacy;
mod routing_admin;
mod schema;
mod search;
mod smtp_sink;
mod snapshots;
mod status;
mod targets;
mod webhooks;
