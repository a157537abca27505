//! The URL canonicaliser with the shipped publisher policy: never panics, accepted URLs keep
//! every documented property, canonicalisation is idempotent.
#![no_main]

use disinfo_desk::articles::HostCheck;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Raw text only: the form and the API hand the canonicaliser a `str`.
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    disinfo_desk_fuzz::check_canonicalize(raw, HostCheck::PublisherOnly);
    disinfo_desk_fuzz::check_canonicalize(raw, HostCheck::AnyHost);
});
