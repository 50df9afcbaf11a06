//! Money as integer minor units, ISO 4217 currency codes, and the vendors' wire format for amounts.
//!
//! Inside Kasse an amount is always an `i64` count of hundredths of the major unit (øre, öre,
//! cent), so sums and comparisons are exact. On the wire ConnectID and S4 carry a JSON number in
//! major units (`"orderAmount": 150`, as ConnectID's example order writes it); [`Money`] writes
//! whole amounts as integers and fractional ones as decimals (`149.5`), reads both, and refuses
//! more than two decimals.
//!
//! Kasse's minor unit is a hundredth for every currency, also for the few whose ISO minor unit
//! differs (ISK, JPY have none): the wire only ever carries at most two decimals, and
//! [`crate::i18n::format_price`] simply never shows a fraction for a whole amount.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::decimal::push_decimal;

/// An amount in minor units (hundredths of the major unit). Serialised in major units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub i64);

impl Money {
    /// Zero.
    pub const ZERO: Money = Money(0);

    /// The largest amount (2⁵⁰ minor units, about 11 trillion major units) whose fractional
    /// form survives a JSON number (an `f64`) exactly: above it one double covers more than one
    /// cent. Validation refuses larger amounts.
    pub const MAX_EXACT: Money = Money(1 << 50);

    /// Whether the amount is within ±[`Money::MAX_EXACT`].
    pub const fn is_exact_on_wire(self) -> bool {
        self.0.unsigned_abs() <= Money::MAX_EXACT.0 as u64
    }

    /// From minor units (`14950` = 149.50).
    pub const fn from_minor(minor: i64) -> Money {
        Money(minor)
    }

    /// From whole major units (`149` = 149.00). `None` on overflow.
    pub fn from_major(major: i64) -> Option<Money> {
        major.checked_mul(100).map(Money)
    }

    /// The amount in minor units.
    pub const fn minor(self) -> i64 {
        self.0
    }

    /// True when the amount has no fractional part.
    pub const fn is_whole(self) -> bool {
        self.0 % 100 == 0
    }

    /// `self * n`, `None` on overflow.
    pub fn checked_mul(self, n: i64) -> Option<Money> {
        self.0.checked_mul(n).map(Money)
    }

    /// `self + other`, `None` on overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// Parses a decimal in major units as written by people or by a JSON/TOML writer
    /// (`"149"`, `"149.5"`, `"-3.25"`). Refuses more than two decimals, exponents and overflow.
    pub fn parse_major(s: &str) -> Result<Money, MoneyError> {
        let (neg, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (int_part, frac_part) = match digits.split_once('.') {
            Some((i, f)) => (i, f),
            None => (digits, ""),
        };
        if int_part.is_empty() || !int_part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MoneyError::NotANumber);
        }
        if !frac_part.bytes().all(|b| b.is_ascii_digit()) || (digits.contains('.') && frac_part.is_empty()) {
            return Err(MoneyError::NotANumber);
        }
        // Trailing zeros carry no precision: "149.500" is 149.50.
        let frac_trimmed = frac_part.trim_end_matches('0');
        if frac_trimmed.len() > 2 {
            return Err(MoneyError::TooManyDecimals);
        }
        let int: i64 = int_part.parse().map_err(|_| MoneyError::Overflow)?;
        let mut frac: i64 = 0;
        for (i, b) in frac_trimmed.bytes().enumerate() {
            frac += i64::from(b - b'0') * if i == 0 { 10 } else { 1 };
        }
        let minor = int
            .checked_mul(100)
            .and_then(|v| v.checked_add(frac))
            .ok_or(MoneyError::Overflow)?;
        Ok(Money(if neg { -minor } else { minor }))
    }

    /// From a JSON number in major units (`149.5`): a whole number exactly, a fraction when it is
    /// the double nearest to a whole number of cents (what a writer of at most two decimals
    /// wrote), else [`MoneyError::TooManyDecimals`].
    ///
    /// For every amount within ±[`Money::MAX_EXACT`], and every whole number up to 2^53, this is
    /// what reading the shortest decimal that prints `v` gives (tests/props.rs holds it to that),
    /// without printing it: printing linked core's float printing (Grisu, Dragon) into the
    /// widget's wasm, 21.8 KB of its 546 KB (7.3 KB brotli), where nothing else prints a float.
    /// Beyond those bounds, where validation refuses an amount anyway, the last cents may differ.
    pub fn from_major_f64(v: f64) -> Result<Money, MoneyError> {
        if !v.is_finite() {
            return Err(MoneyError::NotANumber);
        }
        if v.trunc() == v {
            // 2^63: beyond it `as` would saturate instead of refusing.
            if v.abs() >= 9_223_372_036_854_775_808.0 {
                return Err(MoneyError::Overflow);
            }
            return Money::from_major(v as i64).ok_or(MoneyError::Overflow);
        }
        // A fraction means |v| < 2^52, so the cents fit; within MAX_EXACT, 100·v is within a
        // fifth of a cent of the writer's cents, and that cent count divided back is `v` exactly
        // when the writer wrote at most two decimals.
        let cents = (v * 100.0).round();
        if cents / 100.0 != v {
            return Err(MoneyError::TooManyDecimals);
        }
        Ok(Money(cents as i64))
    }

    /// The amount in major units as a plain decimal: `"149"`, `"149.5"`, `"-0.05"`.
    pub fn to_major_string(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (int, frac) = (abs / 100, abs % 100);
        let mut out = String::from(sign);
        push_decimal(&mut out, int as i64); // at most i64::MAX / 100
        if frac != 0 {
            out.push('.');
            out.push(char::from(b'0' + (frac / 10) as u8));
            if frac % 10 != 0 {
                out.push(char::from(b'0' + (frac % 10) as u8));
            }
        }
        out
    }
}

/// Why an amount could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoneyError {
    /// Not a plain decimal number.
    NotANumber,
    /// More than two decimals: not representable in minor units.
    TooManyDecimals,
    /// Outside the `i64` minor-unit range.
    Overflow,
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MoneyError::NotANumber => "amount is not a decimal number",
            MoneyError::TooManyDecimals => "amount has more than two decimals",
            MoneyError::Overflow => "amount is out of range",
        })
    }
}

impl std::error::Error for MoneyError {}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_major_string())
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.is_whole() {
            s.serialize_i64(self.0 / 100)
        } else {
            // minor / 100.0 is the double nearest to the two-decimal value, and serde_json (ryu)
            // prints the shortest string that reads back to that double: exactly "149.5".
            s.serialize_f64(self.0 as f64 / 100.0)
        }
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount in major units with at most two decimals")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Money, E> {
                Money::from_major(v).ok_or_else(|| E::custom(MoneyError::Overflow))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Money, E> {
                i64::try_from(v)
                    .ok()
                    .and_then(Money::from_major)
                    .ok_or_else(|| E::custom(MoneyError::Overflow))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Money, E> {
                Money::from_major_f64(v).map_err(E::custom)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Money, E> {
                // Some writers quote decimals; accepting them costs nothing and loses nothing.
                Money::parse_major(v.trim()).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

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
    fn reads_integers_and_two_decimals() {
        let m: Money = serde_json::from_str("150").unwrap();
        assert_eq!(m, Money(15000));
        let m: Money = serde_json::from_str("149.5").unwrap();
        assert_eq!(m, Money(14950));
        let m: Money = serde_json::from_str("19.99").unwrap();
        assert_eq!(m, Money(1999));
        let m: Money = serde_json::from_str("0.01").unwrap();
        assert_eq!(m, Money(1));
        let m: Money = serde_json::from_str("-3").unwrap();
        assert_eq!(m, Money(-300));
    }

    #[test]
    fn reads_numbers_without_printing_them() {
        assert_eq!(Money::from_major_f64(149.5), Ok(Money(14950)));
        assert_eq!(Money::from_major_f64(19.99), Ok(Money(1999)));
        assert_eq!(Money::from_major_f64(-0.05), Ok(Money(-5)));
        assert_eq!(Money::from_major_f64(-0.0), Ok(Money(0)));
        assert_eq!(Money::from_major_f64(150.0), Ok(Money(15000)));
        assert_eq!(Money::from_major_f64(19.999), Err(MoneyError::TooManyDecimals));
        assert_eq!(Money::from_major_f64(0.1 + 0.2), Err(MoneyError::TooManyDecimals));
        assert_eq!(Money::from_major_f64(1e300), Err(MoneyError::Overflow));
        assert_eq!(Money::from_major_f64(9.3e16), Err(MoneyError::Overflow));
        assert_eq!(Money::from_major_f64(f64::NAN), Err(MoneyError::NotANumber));
        assert_eq!(Money::from_major_f64(f64::NEG_INFINITY), Err(MoneyError::NotANumber));
    }

    #[test]
    fn refuses_three_decimals_and_garbage() {
        assert!(serde_json::from_str::<Money>("19.999").is_err());
        assert!(serde_json::from_str::<Money>("0.001").is_err());
        assert!(serde_json::from_str::<Money>("true").is_err());
        assert!(serde_json::from_str::<Money>("1e300").is_err());
        assert_eq!(Money::parse_major("1.2.3"), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse_major("1."), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse_major(".5"), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse_major("99999999999999999999"), Err(MoneyError::Overflow));
    }

    #[test]
    fn writes_whole_as_integer_and_fraction_as_decimal() {
        assert_eq!(serde_json::to_string(&Money(15000)).unwrap(), "150");
        assert_eq!(serde_json::to_string(&Money(14950)).unwrap(), "149.5");
        assert_eq!(serde_json::to_string(&Money(1999)).unwrap(), "19.99");
        assert_eq!(serde_json::to_string(&Money(-5)).unwrap(), "-0.05");
        assert_eq!(Money(-5).to_major_string(), "-0.05");
        assert_eq!(Money(14950).to_major_string(), "149.5");
        assert_eq!(Money(199900).to_major_string(), "1999");
    }

    #[test]
    fn the_exact_bound_holds_at_its_edge() {
        for minor in [
            Money::MAX_EXACT.0,
            Money::MAX_EXACT.0 - 1,
            Money::MAX_EXACT.0 - 99,
            -Money::MAX_EXACT.0 + 1,
        ] {
            let json = serde_json::to_string(&Money(minor)).unwrap();
            assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), Money(minor), "{json}");
        }
    }

    #[test]
    fn every_cent_round_trips_through_json() {
        for minor in (-1000..=100_000).step_by(7) {
            let json = serde_json::to_string(&Money(minor)).unwrap();
            assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), Money(minor), "{json}");
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
