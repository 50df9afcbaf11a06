//! Field formats shared by both vendors: identifiers, e-mail, phone, postal code, country, URL.
//! Each check answers the [`ErrorCode`](crate::error_code::ErrorCode) a form shows, so ConnectID
//! and S4 rules refuse a bad value the same way.

mod example;
mod phone;
mod postal;
mod url;

pub use example::{phone_example, postal_code_example};
pub use phone::{is_e164, normalize_phone};
pub use postal::normalize_postal_code;
#[doc(hidden)]
pub use url::cases as url_cases;
pub use url::{check_absolute_https, encode_component, form_pairs, WebUrl};

/// A GUID in the 8-4-4-4-12 hex form S4 uses (either case). A hand check is ten lines; the `uuid`
/// crate would add parsing of forms S4 never sends.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// An e-mail address as the browser's `<input type=email>` accepts it (WHATWG's "valid e-mail
/// address"), plus a dot in the domain and a ≤ 254 length: ConnectID sends mail to it, so a
/// dotless intranet host is a typo here. ASCII only, like the browser's check.
pub fn is_valid_email(s: &str) -> bool {
    if s.len() > 254 || s.trim() != s {
        return false;
    }
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    const LOCAL_EXTRA: &[u8] = b".!#$%&'*+/=?^_`{|}~-";
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || LOCAL_EXTRA.contains(&b));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && !tld.bytes().all(|b| b.is_ascii_digit()));
    local_ok && domain_ok
}

/// ISO 3166-1 alpha-2 codes (officially assigned), sorted for binary search. Byte arrays, not
/// `&str`s: a string slice is 8 more bytes of pointer and length in the widget, 2 KB for these.
const ISO_3166: &[[u8; 2]] = &[
    *b"AD", *b"AE", *b"AF", *b"AG", *b"AI", *b"AL", *b"AM", *b"AO", *b"AQ", *b"AR", *b"AS", *b"AT", *b"AU", *b"AW",
    *b"AX", *b"AZ", *b"BA", *b"BB", *b"BD", *b"BE", *b"BF", *b"BG", *b"BH", *b"BI", *b"BJ", *b"BL", *b"BM", *b"BN",
    *b"BO", *b"BQ", *b"BR", *b"BS", *b"BT", *b"BV", *b"BW", *b"BY", *b"BZ", *b"CA", *b"CC", *b"CD", *b"CF", *b"CG",
    *b"CH", *b"CI", *b"CK", *b"CL", *b"CM", *b"CN", *b"CO", *b"CR", *b"CU", *b"CV", *b"CW", *b"CX", *b"CY", *b"CZ",
    *b"DE", *b"DJ", *b"DK", *b"DM", *b"DO", *b"DZ", *b"EC", *b"EE", *b"EG", *b"EH", *b"ER", *b"ES", *b"ET", *b"FI",
    *b"FJ", *b"FK", *b"FM", *b"FO", *b"FR", *b"GA", *b"GB", *b"GD", *b"GE", *b"GF", *b"GG", *b"GH", *b"GI", *b"GL",
    *b"GM", *b"GN", *b"GP", *b"GQ", *b"GR", *b"GS", *b"GT", *b"GU", *b"GW", *b"GY", *b"HK", *b"HM", *b"HN", *b"HR",
    *b"HT", *b"HU", *b"ID", *b"IE", *b"IL", *b"IM", *b"IN", *b"IO", *b"IQ", *b"IR", *b"IS", *b"IT", *b"JE", *b"JM",
    *b"JO", *b"JP", *b"KE", *b"KG", *b"KH", *b"KI", *b"KM", *b"KN", *b"KP", *b"KR", *b"KW", *b"KY", *b"KZ", *b"LA",
    *b"LB", *b"LC", *b"LI", *b"LK", *b"LR", *b"LS", *b"LT", *b"LU", *b"LV", *b"LY", *b"MA", *b"MC", *b"MD", *b"ME",
    *b"MF", *b"MG", *b"MH", *b"MK", *b"ML", *b"MM", *b"MN", *b"MO", *b"MP", *b"MQ", *b"MR", *b"MS", *b"MT", *b"MU",
    *b"MV", *b"MW", *b"MX", *b"MY", *b"MZ", *b"NA", *b"NC", *b"NE", *b"NF", *b"NG", *b"NI", *b"NL", *b"NO", *b"NP",
    *b"NR", *b"NU", *b"NZ", *b"OM", *b"PA", *b"PE", *b"PF", *b"PG", *b"PH", *b"PK", *b"PL", *b"PM", *b"PN", *b"PR",
    *b"PS", *b"PT", *b"PW", *b"PY", *b"QA", *b"RE", *b"RO", *b"RS", *b"RU", *b"RW", *b"SA", *b"SB", *b"SC", *b"SD",
    *b"SE", *b"SG", *b"SH", *b"SI", *b"SJ", *b"SK", *b"SL", *b"SM", *b"SN", *b"SO", *b"SR", *b"SS", *b"ST", *b"SV",
    *b"SX", *b"SY", *b"SZ", *b"TC", *b"TD", *b"TF", *b"TG", *b"TH", *b"TJ", *b"TK", *b"TL", *b"TM", *b"TN", *b"TO",
    *b"TR", *b"TT", *b"TV", *b"TW", *b"TZ", *b"UA", *b"UG", *b"UM", *b"US", *b"UY", *b"UZ", *b"VA", *b"VC", *b"VE",
    *b"VG", *b"VI", *b"VN", *b"VU", *b"WF", *b"WS", *b"YE", *b"YT", *b"ZA", *b"ZM", *b"ZW",
];

/// True for an ISO 3166-1 alpha-2 code in upper case (`NO`, `SE`).
pub fn is_iso_country(code: &str) -> bool {
    <[u8; 2]>::try_from(code.as_bytes()).is_ok_and(|code| ISO_3166.binary_search(&code).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_sorted() {
        assert!(ISO_3166.windows(2).all(|w| w[0] < w[1]));
        assert!(ISO_3166.iter().flatten().all(u8::is_ascii_uppercase));
        assert_eq!(ISO_3166.len(), 249);
        assert!(is_iso_country("NO") && is_iso_country("AD") && is_iso_country("ZW"));
        for not in ["", "N", "NOR", "no", "XX"] {
            assert!(!is_iso_country(not), "{not}");
        }
    }

    #[test]
    fn emails() {
        for ok in [
            "kari.nordmann@gmail.com",
            "a+b@x.no",
            "o'neil@example.co.uk",
            "x@sub-d.example.se",
        ] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in [
            "",
            "kari",
            "kari@",
            "@x.no",
            "kari@localhost",
            "kari@x..no",
            "kari@-x.no",
            "kari @x.no",
            "kåri@x.no",
            "kari@x.n",
            "kari@1.2",
            " kari@x.no",
            "a@b@c.no",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn uuids() {
        assert!(is_uuid("10000000-0000-0000-0000-000000000000"));
        assert!(is_uuid("44444444-5555-6666-7777-00000000000A"));
        assert!(!is_uuid("10000000-0000-0000-0000-00000000000"));
        assert!(!is_uuid("10000000x0000-0000-0000-000000000000"));
        assert!(!is_uuid("g0000000-0000-0000-0000-000000000000"));
    }
}
