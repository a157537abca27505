//! `POST /report` bodies: `form_input` (the handler's own decoding) then `ReportInput::parse`.
//! Never panics; unknown fields are ignored; the result keeps every limit or names the fields.
#![no_main]

use disinfo_desk::error::AppError;
use disinfo_desk::reports::http::form_input;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = match form_input(data) {
        Ok(input) => input,
        Err(AppError::Malformed { message, .. }) => {
            assert!(!message.is_empty());
            return;
        }
        Err(other) => panic!("form_input failed with {other:?}"),
    };
    // The form ignores fields it does not know (a named button, a site's hidden field).
    let mut extended = data.to_vec();
    extended.extend_from_slice(b"&fuzz_unknown_field=1");
    let again = form_input(&extended).expect("an unknown field refused the form");
    assert_eq!(
        format!("{again:?}"),
        format!("{input:?}"),
        "unknown field changed the input"
    );
    disinfo_desk_fuzz::check_report(&input);
});
