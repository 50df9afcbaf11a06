//! The logged-in customer: ConnectID's profile (`GET /v1/customer/profile`, user token) and what
//! of it the widget may show and prefill.

use serde::{Deserialize, Serialize};

use crate::contract::ReaderProfile;

/// `GET /v1/customer/profile`. The vendor's documents show no postal address, so none is read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerProfile {
    /// The customer number (a number in some answers, text in others).
    #[serde(default)]
    pub customer_number: Option<serde_json::Value>,
    /// Name parts.
    #[serde(default)]
    pub name: ProfileName,
    /// E-mail addresses, the primary first.
    #[serde(default)]
    pub emails: Vec<String>,
    /// Phone numbers.
    #[serde(default)]
    pub phone_numbers: Vec<ProfilePhone>,
}

/// `name` of a profile.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileName {
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Middle name.
    #[serde(default)]
    pub middle_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Company name.
    #[serde(default)]
    pub company_name: Option<String>,
}

/// One phone number of a profile.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfilePhone {
    /// The number.
    pub phone_number: String,
    /// `MOBILE`, `HOME`, … as the vendor names it.
    #[serde(default)]
    pub phone_number_type: Option<String>,
}

impl CustomerProfile {
    /// What the widget prefills: the name (first and middle names together), the first e-mail,
    /// the first mobile number (else the first number), the customer number as text.
    pub fn reader_profile(&self) -> ReaderProfile {
        let first = [self.name.first_name.as_deref(), self.name.middle_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let phone = self
            .phone_numbers
            .iter()
            .find(|p| {
                p.phone_number_type
                    .as_deref()
                    .is_some_and(|t| t.eq_ignore_ascii_case("mobile"))
            })
            .or_else(|| self.phone_numbers.first())
            .map(|p| p.phone_number.clone());
        let customer_number = self.customer_number.as_ref().and_then(|v| match v {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        });
        ReaderProfile {
            first_name: (!first.is_empty()).then_some(first),
            last_name: self.name.last_name.clone(),
            company_name: self.name.company_name.clone(),
            email: self.emails.first().cloned(),
            phone,
            customer_number,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profile_prefills_name_first_email_and_mobile() {
        let p: CustomerProfile = serde_json::from_str(
            r#"{"userId": 7, "uniqueId": "u-1", "customerNumber": 100001,
                "name": {"firstName": "Kari", "middleName": "Anne", "lastName": "Nordmann"},
                "emails": ["kari.nordmann@example.no", "kari@work.example"],
                "phoneNumbers": [{"phoneNumber": "+4722000000", "phoneNumberType": "HOME"},
                                 {"phoneNumber": "+4791234567", "phoneNumberType": "MOBILE"}],
                "credential": {"credential": "kari.nordmann@example.no", "credentialType": "EMAIL"}}"#,
        )
        .unwrap();
        let r = p.reader_profile();
        assert_eq!(r.first_name.as_deref(), Some("Kari Anne"));
        assert_eq!(r.last_name.as_deref(), Some("Nordmann"));
        assert_eq!(r.email.as_deref(), Some("kari.nordmann@example.no"));
        assert_eq!(r.phone.as_deref(), Some("+4791234567"));
        assert_eq!(r.customer_number.as_deref(), Some("100001"));
        assert_eq!(CustomerProfile::default().reader_profile(), ReaderProfile::default());
    }
}
