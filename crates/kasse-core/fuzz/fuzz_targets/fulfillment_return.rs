//! The return-URL parser reads whatever a reader's address bar holds: it must never panic, and
//! it must agree with its short form.
#![no_main]

use kasse_core::connectid::{parse_fulfillment_return, parse_fulfillment_return_full, FulfillmentStatus};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let full = parse_fulfillment_return_full(s);
    assert_eq!(full.status, parse_fulfillment_return(s));
    if full.status == FulfillmentStatus::Success {
        // Success needs the word, in some (possibly percent-encoded) form, somewhere.
        assert!(s.contains("succ") || s.contains('%'));
    }
});
