//! ISO 4217 currency codes: the [`Currency`] type and the table it is checked against.

use std::fmt;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// An ISO 4217 currency code, upper case (`NOK`, `SEK`, `DKK`, `EUR`).
///
/// Constructed only through [`Currency::parse`] (or deserialisation, which calls it), so every
/// value is a known code. Wire payloads coming from a browser carry the currency as a plain string
/// and are checked by validation, so that a bad code is reported with its field path.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency(String);

impl Currency {
    /// Parses an ISO 4217 alphabetic code; lower case is accepted and upper-cased.
    pub fn parse(code: &str) -> Option<Currency> {
        let upper = code.trim().to_ascii_uppercase();
        is_iso_currency(&upper).then_some(Currency(upper))
    }

    /// The three-letter code.
    pub fn code(&self) -> &str {
        &self.0
    }

    /// Norwegian krone.
    pub fn nok() -> Currency {
        Currency("NOK".into())
    }
    /// Swedish krona.
    pub fn sek() -> Currency {
        Currency("SEK".into())
    }
    /// Danish krone.
    pub fn dkk() -> Currency {
        Currency("DKK".into())
    }
    /// Euro.
    pub fn eur() -> Currency {
        Currency("EUR".into())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// The message for a code that is not a currency. It names the code only when it looks like one:
/// the text may be logged, and `{:?}`'s escaping is left out of the shipped widget (xtask's
/// size_std builds it without Debug formatting). Written only when shown: the widget's JSON
/// errors carry no message, so it links no formatting for it (see [`crate::decimal`]).
struct UnknownCurrency<'a>(&'a str);

impl fmt::Display for UnknownCurrency<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = self.0;
        if code.len() <= 8 && code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            write!(f, "unknown currency code \"{code}\"")
        } else {
            f.write_str("unknown currency code (not an ISO 4217 code)")
        }
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Currency, D::Error> {
        let s = String::deserialize(d)?;
        Currency::parse(&s).ok_or_else(|| de::Error::custom(UnknownCurrency(&s)))
    }
}

/// Active ISO 4217 alphabetic codes (list of 2024), sorted for binary search. A table of 465 bytes
/// is cheaper in the bundle than any crate that carries full currency metadata (byte arrays, not
/// `&str`s, which would add 8 bytes of pointer and length each).
const ISO_4217: &[[u8; 3]] = &[
    *b"AED", *b"AFN", *b"ALL", *b"AMD", *b"ANG", *b"AOA", *b"ARS", *b"AUD", *b"AWG", *b"AZN", *b"BAM", *b"BBD",
    *b"BDT", *b"BGN", *b"BHD", *b"BIF", *b"BMD", *b"BND", *b"BOB", *b"BRL", *b"BSD", *b"BTN", *b"BWP", *b"BYN",
    *b"BZD", *b"CAD", *b"CDF", *b"CHF", *b"CLP", *b"CNY", *b"COP", *b"CRC", *b"CUP", *b"CVE", *b"CZK", *b"DJF",
    *b"DKK", *b"DOP", *b"DZD", *b"EGP", *b"ERN", *b"ETB", *b"EUR", *b"FJD", *b"FKP", *b"GBP", *b"GEL", *b"GHS",
    *b"GIP", *b"GMD", *b"GNF", *b"GTQ", *b"GYD", *b"HKD", *b"HNL", *b"HTG", *b"HUF", *b"IDR", *b"ILS", *b"INR",
    *b"IQD", *b"IRR", *b"ISK", *b"JMD", *b"JOD", *b"JPY", *b"KES", *b"KGS", *b"KHR", *b"KMF", *b"KPW", *b"KRW",
    *b"KWD", *b"KYD", *b"KZT", *b"LAK", *b"LBP", *b"LKR", *b"LRD", *b"LSL", *b"LYD", *b"MAD", *b"MDL", *b"MGA",
    *b"MKD", *b"MMK", *b"MNT", *b"MOP", *b"MRU", *b"MUR", *b"MVR", *b"MWK", *b"MXN", *b"MYR", *b"MZN", *b"NAD",
    *b"NGN", *b"NIO", *b"NOK", *b"NPR", *b"NZD", *b"OMR", *b"PAB", *b"PEN", *b"PGK", *b"PHP", *b"PKR", *b"PLN",
    *b"PYG", *b"QAR", *b"RON", *b"RSD", *b"RUB", *b"RWF", *b"SAR", *b"SBD", *b"SCR", *b"SDG", *b"SEK", *b"SGD",
    *b"SHP", *b"SLE", *b"SOS", *b"SRD", *b"SSP", *b"STN", *b"SVC", *b"SYP", *b"SZL", *b"THB", *b"TJS", *b"TMT",
    *b"TND", *b"TOP", *b"TRY", *b"TTD", *b"TWD", *b"TZS", *b"UAH", *b"UGX", *b"USD", *b"UYU", *b"UZS", *b"VES",
    *b"VND", *b"VUV", *b"WST", *b"XAF", *b"XCD", *b"XOF", *b"XPF", *b"YER", *b"ZAR", *b"ZMW", *b"ZWG",
];

/// True for an active ISO 4217 alphabetic code in upper case.
pub fn is_iso_currency(code: &str) -> bool {
    <[u8; 3]>::try_from(code.as_bytes()).is_ok_and(|code| ISO_4217.binary_search(&code).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_currency_is_named_only_when_it_looks_like_a_code() {
        let error = serde_json::from_str::<Currency>("\"XYZ\"").unwrap_err().to_string();
        assert!(error.starts_with("unknown currency code \"XYZ\""), "{error}");
        let error = serde_json::from_str::<Currency>("\"<script>\"")
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("unknown currency code (not an ISO 4217 code)"),
            "{error}"
        );
    }

    #[test]
    fn iso_table_is_sorted_and_unique() {
        assert!(ISO_4217.windows(2).all(|w| w[0] < w[1]));
        assert!(ISO_4217.iter().flatten().all(u8::is_ascii_uppercase));
        assert!(is_iso_currency("NOK") && is_iso_currency("ZWG") && is_iso_currency("AED"));
        for not in ["", "NO", "NOKK", "nok", "XXX"] {
            assert!(!is_iso_currency(not), "{not}");
        }
    }

    #[test]
    fn currency_codes() {
        assert_eq!(Currency::parse("nok"), Some(Currency::nok()));
        assert_eq!(Currency::parse("XXX"), None);
        assert_eq!(Currency::parse("NO"), None);
        assert!(serde_json::from_str::<Currency>("\"SEK\"").is_ok());
        assert!(serde_json::from_str::<Currency>("\"KRN\"").is_err());
    }
}
