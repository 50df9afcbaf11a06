//! Who may claim an order.
//!
//! Assign user gives the claimer digital access to the order, so it is only forwarded when the
//! credential equals an e-mail or phone of the order's payer (or of a line's receiver: a gift's
//! recipient is entitled to it too). The vendor's status endpoint does not return the payer, so the
//! gateway remembers, per order, SHA-256 hashes of the normalised credentials — not the addresses
//! themselves. (The payer's credential is also kept sealed for a day where the gateway may have to
//! give the access by itself: `ledger::PendingAccessStore`.)

use kasse_core::connectid::{ClientOrder, Party};
use sha2::{Digest, Sha256};

use crate::ledger::CredentialHash;

/// Lower-cased e-mail, or a phone number reduced to `+` and digits.
pub fn normalize_credential(c: &str) -> String {
    let c = c.trim();
    if c.contains('@') {
        c.to_lowercase()
    } else {
        c.chars().filter(|ch| ch.is_ascii_digit() || *ch == '+').collect()
    }
}

fn hash(c: &str) -> CredentialHash {
    Sha256::digest(normalize_credential(c).as_bytes()).into()
}

fn party_credentials(p: &Party, out: &mut Vec<CredentialHash>) {
    for list in [&p.emails, &p.phone_numbers].into_iter().flatten() {
        out.extend(list.iter().filter(|c| !c.trim().is_empty()).map(|c| hash(c)));
    }
}

/// Hashes of the credentials that may claim `order`: the payer's and every receiver's e-mails
/// and phones.
pub fn order_credentials(order: &ClientOrder) -> Vec<CredentialHash> {
    let mut creds = Vec::new();
    party_credentials(&order.payer, &mut creds);
    for line in &order.order_lines {
        if let Some(r) = &line.receiver {
            party_credentials(r, &mut creds);
        }
    }
    creds
}

/// Whether `credential` is one of `allowed`.
pub fn may_claim(allowed: &[CredentialHash], credential: &str) -> bool {
    allowed.contains(&hash(credential))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_normalise() {
        assert_eq!(
            normalize_credential(" Kari.Nordmann@Example.no "),
            "kari.nordmann@example.no"
        );
        assert_eq!(normalize_credential("+47 912 34 567"), "+4791234567");
    }

    #[test]
    fn only_the_payer_may_claim() {
        let order: ClientOrder = serde_json::from_value(serde_json::json!({
            "paymentMethod": "invoice", "orderAmount": 1, "currency": "NOK",
            "payer": {"lastName": "N", "postalCode": "0101", "emails": ["kari@example.no"], "phoneNumbers": ["+4791234567"]},
            "orderLines": [{"productSpecType": "coupon", "productSpecCode": "X", "productSpecNo": 1, "quantity": 1,
                "receiver": {"lastName": "R", "postalCode": "0101", "emails": ["gift@example.no"]}}]
        }))
        .unwrap();
        let allowed = order_credentials(&order);
        assert!(may_claim(&allowed, "KARI@example.no"));
        assert!(may_claim(&allowed, "+47 91 23 45 67"));
        assert!(may_claim(&allowed, "gift@example.no"));
        assert!(!may_claim(&allowed, "mallory@example.no"));
        assert!(!may_claim(&[], "kari@example.no"));
    }
}
