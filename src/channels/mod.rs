//! Other ways in: the mail gateway (`disinfo-desk ingest-mail`: MIME → a report, or a reply on
//! one). Every channel lands in the same queue through `reports::service`.

pub mod mail;
pub mod repo;
pub mod service;

pub use service::{IngestError, Ingested, MailGateway, RawMessage, exit, read_message};

/// The timeline event of a reporter's emailed reply (its note holds what they wrote).
pub const READER_COMMENT: &str = "reader_comment";
