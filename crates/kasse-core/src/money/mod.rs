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

mod currency;
pub use currency::{is_iso_currency, Currency};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
