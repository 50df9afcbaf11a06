//! How a reader in a country writes a phone number and a postal code: shown beside the fields,
//! so the country chosen shapes what the reader is asked for before they are told it is wrong.

/// `(country, phone as written locally, postal code)`. Each passes [`normalize_phone`] and
/// [`normalize_postal_code`] for its country (tested).
///
/// [`normalize_phone`]: super::normalize_phone
/// [`normalize_postal_code`]: super::normalize_postal_code
const EXAMPLES: &[(&str, &str, &str)] = &[
    ("NO", "912 34 567", "0150"),
    ("SE", "070-123 45 67", "123 45"),
    ("DK", "20 12 34 56", "2100"),
    ("FI", "040 123 4567", "00100"),
];

/// A phone number as a reader in `country` writes it; `None` where Kasse knows no local form (the
/// reader then writes it with `+` and the country code).
pub fn phone_example(country: &str) -> Option<&'static str> {
    EXAMPLES.iter().find(|e| e.0 == country).map(|e| e.1)
}

/// A postal code of `country`; `None` where Kasse checks no format.
pub fn postal_code_example(country: &str) -> Option<&'static str> {
    EXAMPLES.iter().find(|e| e.0 == country).map(|e| e.2)
}

#[cfg(test)]
mod tests {
    use super::super::{normalize_phone, normalize_postal_code};
    use super::*;

    #[test]
    fn every_example_is_valid_in_its_country() {
        for (country, phone, postal) in EXAMPLES {
            assert!(normalize_phone(phone, country).is_ok(), "{country} {phone}");
            assert!(normalize_postal_code(postal, country).is_ok(), "{country} {postal}");
        }
        assert_eq!(phone_example("DE"), None);
        assert_eq!(postal_code_example("SE"), Some("123 45"));
    }
}
