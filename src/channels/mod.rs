//! Other ways in: the mail gateway (`disinfo-desk ingest-mail`: MIME → a report, or a reply on
//! one). Every channel lands in the same queue through `reports::service`.

pub mod mail;
pub mod repo;
pub mod service;

pub use service::{IngestError, Ingested, MailGateway, RawMessage, exit, read_message};

/// The timeline event of a reporter's emailed reply (its note holds what they wrote).
pub const READER_COMMENT: &str = "reader_comment";

#[cfg(test)]
mod tests {
    /// Event kinds are looked up at run time (`desk-event-<kind>`): the scan of used ids misses them.
    #[test]
    fn the_gateway_events_have_dashboard_words() {
        let en = crate::i18n::messages("en");
        for kind in [
            super::READER_COMMENT,
            crate::reports::editorial::ADDRESS_COMPLETED,
        ] {
            assert!(en.has(&format!("desk-event-{kind}")), "{kind}");
        }
    }
}
