//! disinfo-desk: an intake desk for disinformation reports about a publisher's articles.
//! See ARCHITECTURE.md in the shared notes for the layout and the flow of a request.

pub mod articles;
pub mod channels;
pub mod config;
pub mod dashboard;
pub mod demo;
pub mod error;
pub mod evidence;
pub mod i18n;
pub mod notify;
pub mod outbound;
pub mod privacy;
pub mod reports;
pub mod routing;
pub mod signing;
pub mod startup;
pub mod storage;
pub mod targets;
pub mod telemetry;
pub mod web;
