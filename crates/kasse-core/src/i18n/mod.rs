//! Reader-facing texts as keys, with complete tables for Norwegian bokmål, Swedish, Danish,
//! Finnish and English, and locale-correct price and period formatting.

#[macro_use]
mod macros;

mod da;
mod en;
mod fi;
mod format;
mod key;
mod nb;
mod sv;

pub use format::{format_price, period_text};
pub use key::MessageKey;

use serde::{Deserialize, Serialize};

/// A supported locale.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// Norwegian bokmål.
    Nb,
    /// Swedish.
    Sv,
    /// Danish.
    Da,
    /// Finnish.
    Fi,
    /// English (the fallback).
    #[default]
    En,
}

impl Locale {
    /// Every locale.
    pub const ALL: [Locale; 5] = [Locale::Nb, Locale::Sv, Locale::Da, Locale::Fi, Locale::En];

    /// The BCP 47 tag (`nb`, `sv`, `da`, `fi`, `en`).
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Nb => "nb",
            Locale::Sv => "sv",
            Locale::Da => "da",
            Locale::Fi => "fi",
            Locale::En => "en",
        }
    }

    /// A full culture for payment windows (`nb-NO`, `sv-SE`, `da-DK`, `fi-FI`, `en-US`).
    pub fn culture(self) -> &'static str {
        match self {
            Locale::Nb => "nb-NO",
            Locale::Sv => "sv-SE",
            Locale::Da => "da-DK",
            Locale::Fi => "fi-FI",
            Locale::En => "en-US",
        }
    }

    /// Picks a locale from a tag (`nb-NO`, `no`, `nn`, `sv_SE`, `da-DK`, `fi-FI`, `en-GB`) or a
    /// whole `Accept-Language` / `navigator.languages` list (`da, sv;q=0.8, en;q=0.5`), honouring
    /// order and q-values. Only the language counts, never the region: `no`, `nb` and `nn` map to
    /// bokmål; `sv` to Swedish, `sv-FI` too, because a reader in Finland who asks for Swedish
    /// wants Swedish, not Finnish; `da` to Danish; `fi` to Finnish; anything else, and nothing,
    /// to English.
    pub fn negotiate(s: &str) -> Locale {
        let mut best: Option<(u16, usize, Locale)> = None;
        for (i, part) in s.split(',').enumerate() {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|v| q_thousandths(v.trim()))
                .unwrap_or(1000);
            if q == 0 {
                continue;
            }
            let primary = tag.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
            let loc = match primary.as_str() {
                "nb" | "no" | "nn" => Some(Locale::Nb),
                "sv" => Some(Locale::Sv),
                "da" => Some(Locale::Da),
                "fi" => Some(Locale::Fi),
                "en" => Some(Locale::En),
                _ => None,
            };
            if let Some(loc) = loc {
                // Higher q wins; on a tie, the earlier entry.
                if best.is_none_or(|(bq, _, _)| q > bq) {
                    best = Some((q, i, loc));
                }
            }
        }
        best.map_or(Locale::En, |(_, _, l)| l)
    }
}

/// An RFC 9110 q-value (`1`, `0.8`, `0.125`) in thousandths, read without floating point (the
/// widget then carries no float parser); `None` when it is not one.
fn q_thousandths(v: &str) -> Option<u16> {
    let (whole, fraction) = v.split_once('.').unwrap_or((v, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = fraction.bytes().fold(0u16, |n, b| n * 10 + u16::from(b - b'0'));
    let thousandths = digits * 10u16.pow(3 - fraction.len() as u32);
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// The text of `key` in `locale`. Each locale's table is an exhaustive match, so a locale cannot
/// lack a key; the tests also refuse empty ones.
pub fn t(locale: Locale, key: MessageKey) -> &'static str {
    match locale {
        Locale::Nb => nb::text(key),
        Locale::Sv => sv::text(key),
        Locale::Da => da::text(key),
        Locale::Fi => fi::text(key),
        Locale::En => en::text(key),
    }
}

/// Whether `order` is every key, each at its index (its declaration order).
const fn in_key_order(order: &[MessageKey]) -> bool {
    if order.len() != MessageKey::ALL.len() {
        return false;
    }
    let mut i = 0;
    while i < order.len() {
        if order[i] as usize != i {
            return false;
        }
        i += 1;
    }
    true
}

/// The text of `key` in a locale's `texts`, NUL after each.
fn nth_text(texts: &'static str, key: MessageKey) -> &'static str {
    texts.split('\0').nth(key as usize).unwrap_or_default()
}

impl crate::connectid::PaymentMethod {
    /// The method's display name.
    pub fn message_key(self) -> MessageKey {
        use crate::connectid::PaymentMethod::*;
        match self {
            Invoice => MessageKey::MethodInvoice,
            Sms => MessageKey::MethodSms,
            SmsPay => MessageKey::MethodSmsPay,
            VippsRecurring => MessageKey::MethodVippsRecurring,
            Kco => MessageKey::MethodKco,
            CreditcardPayex => MessageKey::MethodCreditcardPayex,
            SwishPayex => MessageKey::MethodSwishPayex,
            VippsEcommerce => MessageKey::MethodVippsEcommerce,
            Nexi => MessageKey::MethodNexi,
            Other => MessageKey::MethodOther,
        }
    }
}

impl crate::s4::S4PaymentMethod {
    /// The method's display name.
    pub fn message_key(self) -> MessageKey {
        use crate::s4::S4PaymentMethod::*;
        match self {
            Invoice | Email | Ehf | Oio => MessageKey::MethodS4Invoice,
            Vipps => MessageKey::MethodS4Vipps,
            MobilePay => MessageKey::MethodS4MobilePay,
            SwedbankPay | Mollie => MessageKey::MethodS4SwedbankPay,
            AvtaleGiro | EFaktura | Autogiro | BetalingsService => MessageKey::MethodS4Bank,
        }
    }
}

impl crate::connectid::FulfillmentStatus {
    /// What the reader is told after coming back; `None` for success (the receipt follows).
    pub fn message_key(self) -> Option<MessageKey> {
        use crate::connectid::FulfillmentStatus::*;
        match self {
            Success => None,
            Cancel => Some(MessageKey::PaymentCancelled),
            Error => Some(MessageKey::PaymentFailed),
            Unknown => Some(MessageKey::PaymentUnknown),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(all(feature = "connectid", feature = "s4", feature = "preview"))]
    #[test]
    fn every_key_has_a_non_empty_text_in_every_locale() {
        for &key in MessageKey::ALL {
            for locale in Locale::ALL {
                assert!(!t(locale, key).trim().is_empty(), "{key:?} missing in {locale:?}");
            }
        }
    }

    /// A build of one back end (a widget bundle) empties only the other's texts.
    #[test]
    fn a_back_end_s_own_texts_are_there_exactly_when_the_build_carries_it() {
        for locale in Locale::ALL {
            for key in [MessageKey::Logout, MessageKey::MethodKco, MessageKey::Activate] {
                assert_eq!(
                    !t(locale, key).is_empty(),
                    cfg!(feature = "connectid"),
                    "{key:?} {locale:?}"
                );
            }
            for key in [MessageKey::ChooseProducts, MessageKey::MethodS4Vipps] {
                assert_eq!(!t(locale, key).is_empty(), cfg!(feature = "s4"), "{key:?} {locale:?}");
            }
            let key = MessageKey::ErrCheckoutLoad;
            assert_eq!(
                !t(locale, key).is_empty(),
                cfg!(feature = "preview"),
                "{key:?} {locale:?}"
            );
            for key in [
                MessageKey::Submit,
                MessageKey::ErrServiceConfig,
                MessageKey::ErrLoginRequired,
            ] {
                assert!(!t(locale, key).is_empty(), "{key:?} {locale:?}");
            }
        }
    }

    #[test]
    fn key_names_are_unique_snake_case_and_round_trip() {
        let mut names: Vec<&str> = MessageKey::ALL.iter().map(|k| k.as_str()).collect();
        for n in &names {
            assert!(
                n.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{n}"
            );
        }
        for &k in MessageKey::ALL {
            assert_eq!(MessageKey::from_name(k.as_str()), Some(k));
            assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{}\"", k.as_str()));
        }
        // The names are kept as one string with a NUL after each: nothing else reads as a key.
        for unknown in ["", "\0", "first_name\0", "no_such_key", "FIRST_NAME"] {
            assert_eq!(MessageKey::from_name(unknown), None, "{unknown:?}");
        }
        let before = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), before);
    }

    // Of the whole set of texts: a build of one back end leaves the other's empty in every locale.
    #[cfg(all(feature = "connectid", feature = "s4", feature = "preview"))]
    #[test]
    fn locales_are_really_translated() {
        // A key whose texts are the same in every locale is fine for brand names (Vipps, MobilePay,
        // Klarna, Swish), not for prose: catch a table filled by copy-paste.
        let same: Vec<_> = MessageKey::ALL
            .iter()
            .filter(|&&k| Locale::ALL.iter().all(|&l| t(l, k) == t(Locale::En, k)))
            .collect();
        assert!(same.len() <= 6, "{same:?}");
        // With five tables, one of them copied from English would not make a key the same in all
        // five, so each table is also held against English on its own.
        for locale in Locale::ALL.into_iter().filter(|&l| l != Locale::En) {
            let like_en: Vec<_> = MessageKey::ALL
                .iter()
                .filter(|&&k| t(locale, k) == t(Locale::En, k))
                .collect();
            assert!(like_en.len() <= 6, "{locale:?}: {like_en:?}");
        }
    }

    #[test]
    fn tags_cultures_and_serde_agree() {
        for locale in Locale::ALL {
            assert_eq!(serde_json::to_string(&locale).unwrap(), format!("\"{}\"", locale.tag()));
            assert!(locale.culture().starts_with(locale.tag()), "{locale:?}");
            assert_eq!(Locale::negotiate(locale.culture()), locale);
        }
    }

    #[test]
    fn q_values_in_thousandths() {
        for (v, want) in [
            ("1", Some(1000)),
            ("1.000", Some(1000)),
            ("0", Some(0)),
            ("0.8", Some(800)),
            ("0.125", Some(125)),
            ("0.05", Some(50)),
            ("1.5", None),
            ("2", None),
            ("0.1234", None),
            ("0.x", None),
            ("", None),
            ("-0.5", None),
        ] {
            assert_eq!(q_thousandths(v), want, "{v:?}");
        }
    }

    #[test]
    fn negotiation() {
        for (input, want) in [
            ("nb-NO", Locale::Nb),
            ("no", Locale::Nb),
            ("nn", Locale::Nb),
            ("nn-NO", Locale::Nb),
            ("da-DK", Locale::Da),
            ("da", Locale::Da),
            ("fi-FI", Locale::Fi),
            ("fi", Locale::Fi),
            ("FI", Locale::Fi),
            ("sv-SE", Locale::Sv),
            ("sv-FI", Locale::Sv),
            ("sv_FI", Locale::Sv),
            ("en-GB", Locale::En),
            ("de-DE", Locale::En),
            ("", Locale::En),
            ("de, sv;q=0.8, en;q=0.5", Locale::Sv),
            ("en;q=0.4, nb;q=0.9", Locale::Nb),
            ("fr, en-US, nb", Locale::En),
            ("nb;q=0, sv;q=0.1", Locale::Sv),
            ("SV", Locale::Sv),
            ("fi-FI, sv-FI;q=0.9, en;q=0.5", Locale::Fi),
            ("sv-FI, fi;q=0.9", Locale::Sv),
            ("da-DK, nb;q=0.8", Locale::Da),
            ("fil, en", Locale::En),
        ] {
            assert_eq!(Locale::negotiate(input), want, "{input}");
        }
    }
}
