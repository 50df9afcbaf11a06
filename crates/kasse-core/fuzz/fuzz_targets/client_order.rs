//! Order bodies arrive from browsers at the gateway: parsing and validating arbitrary JSON must
//! never panic, and whatever parses must serialise and parse back unchanged.
#![no_main]

use kasse_core::connectid::ClientOrder;
use kasse_core::connectid::validate_client_order;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(order) = serde_json::from_slice::<ClientOrder>(data) {
        // Only valid orders are promised to round-trip exactly: validation bounds amounts to what a
        // JSON f64 carries to the cent.
        if validate_client_order(&order).is_err() {
            return;
        }
        let text = serde_json::to_string(&order).unwrap();
        let back: ClientOrder = serde_json::from_str(&text).unwrap();
        assert_eq!(back, order);
    }
});
