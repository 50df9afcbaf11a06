//! S4 subscribers: the reader's contact as S4 stores it, and the bodies of
//! `POST /subscriber` and `GET /subscriber?ExternalId=` (S4's subscriber API).

use serde::{Deserialize, Serialize};

use crate::error_code::{item, ErrorCode, Errors, FieldError};
use crate::field::{is_e164, is_iso_country, is_valid_email};

/// S4's `contact`: there is no street field, the street goes in `addressLines`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Contact {
    /// Full name (or the company's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// E-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// E.164 phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Street address lines (at most 4).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub address_lines: Vec<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    /// Postal place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// `POST /subscriber`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriberCreate {
    /// The shop's id for the subscriber; also what the lookup finds it by.
    pub external_id: String,
    /// The subscriber's contact.
    pub contact: Contact,
}

/// `SubscriberView`, as create and lookup answer it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriberView {
    /// Subscriber GUID.
    pub id: String,
    /// The shop's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}

/// What `GET /subscriber?ExternalId=` answers. The documentation we have does not show its shape:
/// a list and a single view are both read (an empty list, or 404, means none).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum SubscriberLookup {
    /// A list of matches.
    Many(Vec<SubscriberView>),
    /// One match.
    One(SubscriberView),
}

impl SubscriberLookup {
    /// The first match whose external id is `external_id` (a view without one is taken at its
    /// word, as the vendor filtered by it).
    pub fn find(self, external_id: &str) -> Option<SubscriberView> {
        let all = match self {
            SubscriberLookup::Many(v) => v,
            SubscriberLookup::One(v) => vec![v],
        };
        all.into_iter()
            .find(|v| v.external_id.as_deref().is_none_or(|x| x == external_id))
    }
}

/// Checks a contact as S4 does (subscriber API: name ≤ 200, e-mail, E.164 phone, at most four
/// address lines ≤ 200, zip ≤ 20, city ≤ 100, ISO country); a name and an e-mail or phone are
/// Kasse's own minimum for a reader who buys.
pub fn validate_contact(c: &Contact) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.required_len("contact.name", c.name.as_deref().unwrap_or(""), 200);
    if c.email.is_none() && c.phone.is_none() {
        e.push("contact.email", ErrorCode::ContactRequired);
    }
    if c.email.as_deref().is_some_and(|m| !is_valid_email(m) || m.len() > 254) {
        e.push("contact.email", ErrorCode::InvalidEmail);
    }
    if c.phone.as_deref().is_some_and(|p| !is_e164(p)) {
        e.push("contact.phone", ErrorCode::InvalidPhone);
    }
    if c.address_lines.len() > 4 {
        e.push("contact.addressLines", ErrorCode::TooLong);
    }
    for (i, line) in c.address_lines.iter().enumerate() {
        e.required_len(&item("contact.addressLines", i), line, 200);
    }
    e.optional_len("contact.zip", c.zip.as_ref(), 20);
    e.optional_len("contact.city", c.city.as_ref(), 100);
    if c.country.as_deref().is_some_and(|x| !is_iso_country(x)) {
        e.push("contact.country", ErrorCode::InvalidCountry);
    }
    e.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_rules() {
        let good = Contact {
            name: Some("Kari Nordmann".into()),
            email: Some("kari@example.no".into()),
            phone: Some("+4791234567".into()),
            address_lines: vec!["Storgata 1".into()],
            zip: Some("0155".into()),
            city: Some("Oslo".into()),
            country: Some("NO".into()),
        };
        assert!(validate_contact(&good).is_ok());
        let bad = Contact {
            name: None,
            email: Some("kari@".into()),
            phone: Some("91234567".into()),
            address_lines: vec![" ".into()],
            country: Some("XX".into()),
            ..Contact::default()
        };
        let codes: Vec<(String, ErrorCode)> = validate_contact(&bad)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.path, e.code))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("contact.name".into(), ErrorCode::Required),
                ("contact.email".into(), ErrorCode::InvalidEmail),
                ("contact.phone".into(), ErrorCode::InvalidPhone),
                ("contact.addressLines[0]".into(), ErrorCode::Required),
                ("contact.country".into(), ErrorCode::InvalidCountry),
            ]
        );
        assert!(serde_json::from_str::<Contact>(r#"{"name":"x","street":"y"}"#).is_err());
    }

    #[test]
    fn lookup_reads_a_list_or_one_view() {
        let many: SubscriberLookup =
            serde_json::from_str(r#"[{"id":"a","externalId":"other"},{"id":"b","externalId":"k-1"}]"#).unwrap();
        assert_eq!(many.find("k-1").map(|v| v.id), Some("b".into()));
        let none: SubscriberLookup = serde_json::from_str("[]").unwrap();
        assert_eq!(none.find("k-1"), None);
        let one: SubscriberLookup = serde_json::from_str(r#"{"id":"c","contact":{}}"#).unwrap();
        assert_eq!(one.find("k-1").map(|v| v.id), Some("c".into()));
    }
}
