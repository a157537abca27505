//! `POST /api/v1/reports` bodies: `parse_json` then `ReportInput::parse`. Never panics; a body is
//! either refused with a 400, or a report within every limit, or a list of field messages.
#![no_main]

use disinfo_desk::error::AppError;
use disinfo_desk::reports::ReportInput;
use disinfo_desk::web::body::parse_json;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input: ReportInput = match parse_json(data) {
        Ok(input) => input,
        Err(AppError::Malformed { message, .. }) => {
            assert!(!message.is_empty());
            return;
        }
        Err(other) => panic!("parse_json failed with {other:?}"),
    };
    // What the API accepted survives a round trip through JSON unchanged.
    let json = serde_json::to_vec(&input).expect("serialise");
    let again: ReportInput = parse_json(&json).expect("re-parse");
    assert_eq!(
        format!("{again:?}"),
        format!("{input:?}"),
        "JSON round trip"
    );
    disinfo_desk_fuzz::check_report(&input);
});
