//! Phone numbers: strict E.164, and what a Nordic reader types normalised into it.

use crate::error_code::ErrorCode;

/// E.164 country calling codes and national-number lengths of the Nordic countries the widget
/// normalises local forms for.
const NORDIC: &[(&str, &str, usize, usize, bool)] = &[
    // (ISO country, calling code, min NSN digits, max NSN digits, has trunk prefix 0)
    ("NO", "47", 8, 8, false),
    ("DK", "45", 8, 8, false),
    ("SE", "46", 7, 9, true),
    ("FI", "358", 5, 12, true),
];

/// A phone number in strict E.164 (`+` and 8–15 digits, no leading zero), with the Nordic
/// countries' national-number lengths enforced (`+47` must be followed by exactly 8 digits).
pub fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    if !(8..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.starts_with('0') {
        return false;
    }
    for (_, cc, min, max, trunk) in NORDIC {
        if let Some(nsn) = digits.strip_prefix(cc) {
            return (*min..=*max).contains(&nsn.len()) && !(*trunk && nsn.starts_with('0'));
        }
    }
    true
}

/// Normalises what a reader types into E.164.
///
/// Accepts international forms (`+47 912 34 567`, `0047…`, `+46 (0)70…`, `+46070…`) for any
/// country, and the local forms of Norway and Denmark (8 digits) and Sweden and Finland (trunk
/// `0` + national number) when `country` is `NO`, `DK`, `SE` or `FI`. Spaces, dashes, dots and
/// parentheses are ignored.
pub fn normalize_phone(input: &str, country: &str) -> Result<String, ErrorCode> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(ErrorCode::Required);
    }
    let mut plus = false;
    let mut digits = String::with_capacity(16);
    // The position among the characters kept, so that `+` counts as first after a dropped "(0)".
    let mut kept = 0;
    let mut chars = trimmed.char_indices();
    while let Some((at, ch)) = chars.next() {
        match ch {
            // "(0)" is the trunk prefix written inside an international number: drop it, not just
            // the parentheses, or "+46 (0)70" would become "+46070". (Matched here rather than
            // with `replace("(0)", "")`, whose substring search would be linked into the widget.)
            '(' if trimmed[at..].starts_with("(0)") => {
                chars.nth(1);
                continue;
            }
            '+' if kept == 0 => plus = true,
            '0'..='9' => digits.push(ch),
            ' ' | '-' | '.' | '(' | ')' | '/' | '\u{a0}' => {}
            _ => return Err(ErrorCode::InvalidPhone),
        }
        kept += 1;
    }
    let international = if plus {
        Some(digits.clone())
    } else {
        digits.strip_prefix("00").map(str::to_owned)
    };
    let e164 = match international {
        Some(intl) => international_e164(intl),
        None => local_e164(&digits, country)?,
    };
    if is_e164(&e164) {
        Ok(e164)
    } else {
        Err(ErrorCode::InvalidPhone)
    }
}

/// `+` and the digits after it, without a trunk `0` kept after a Nordic country code: readers
/// often write "+46 070…".
fn international_e164(mut intl: String) -> String {
    for (_, cc, _, _, trunk) in NORDIC {
        if *trunk {
            if let Some(rest) = intl.strip_prefix(cc) {
                if let Some(nsn) = rest.strip_prefix('0') {
                    intl = [*cc, nsn].concat();
                }
                break;
            }
        }
    }
    ["+", &intl].concat()
}

/// A local number of a Nordic `country`: its calling code, and the trunk `0` dropped where the
/// country has one.
fn local_e164(digits: &str, country: &str) -> Result<String, ErrorCode> {
    let country = country.trim().to_ascii_uppercase();
    let Some((_, cc, _, _, trunk)) = NORDIC.iter().find(|(c, ..)| *c == country) else {
        return Err(ErrorCode::InvalidPhone);
    };
    let nsn = if *trunk {
        digits.strip_prefix('0').ok_or(ErrorCode::InvalidPhone)?
    } else {
        // Norwegian and Danish numbers never start with 0 (no trunk prefix).
        if digits.starts_with('0') {
            return Err(ErrorCode::InvalidPhone);
        }
        digits
    };
    Ok(["+", *cc, nsn].concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        let ok = [
            ("91234567", "NO", "+4791234567"),
            ("912 34 567", "NO", "+4791234567"),
            ("+47 912 34 567", "SE", "+4791234567"),
            ("0047 91234567", "", "+4791234567"),
            ("070-123 45 67", "SE", "+46701234567"),
            ("+46 (0)70 123 45 67", "NO", "+46701234567"),
            // The written trunk is dropped whole wherever it stands, and only it.
            ("(0)+46 70 123 45 67", "", "+46701234567"),
            ("+46 ((0)70) 123 45 67", "", "+46701234567"),
            ("+46 70 (0)123 45 67", "", "+46701234567"),
            ("+1 (0 415) 555-2671", "", "+104155552671"),
            ("+46 070 123 45 67", "", "+46701234567"),
            ("0046701234567", "NO", "+46701234567"),
            ("08-123 456 78", "SE", "+46812345678"),
            ("20 12 34 56", "DK", "+4520123456"),
            ("040 123 4567", "FI", "+358401234567"),
            ("+358 40 1234567", "", "+358401234567"),
            ("+1 (415) 555-2671", "", "+14155552671"),
        ];
        for (input, country, want) in ok {
            assert_eq!(
                normalize_phone(input, country).as_deref(),
                Ok(want),
                "{input} {country}"
            );
        }
        let bad = [
            ("", "NO", ErrorCode::Required),
            ("9123456", "NO", ErrorCode::InvalidPhone),
            ("912345678", "NO", ErrorCode::InvalidPhone),
            ("01234567", "NO", ErrorCode::InvalidPhone),
            ("701234567", "SE", ErrorCode::InvalidPhone),
            ("91234567", "DE", ErrorCode::InvalidPhone),
            ("91234567", "", ErrorCode::InvalidPhone),
            ("+47 abc", "NO", ErrorCode::InvalidPhone),
            ("+47 1234", "NO", ErrorCode::InvalidPhone),
            ("++4791234567", "NO", ErrorCode::InvalidPhone),
            ("+0123456789", "NO", ErrorCode::InvalidPhone),
        ];
        for (input, country, want) in bad {
            assert_eq!(normalize_phone(input, country), Err(want), "{input} {country}");
        }
        assert!(is_e164("+4787654321"));
        assert!(!is_e164("+478765432"));
        assert!(!is_e164("4787654321"));
        assert!(!is_e164("+460701234567"));
    }
}
