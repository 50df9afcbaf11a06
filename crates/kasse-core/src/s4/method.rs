//! S4 payment methods, and which of them an S4 offer shows.

use serde::{Deserialize, Serialize};

use crate::offer::{Backend, Offer};

/// An S4 payment method (`paymentAgreementParameters.paymentMethod`), PascalCase on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum S4PaymentMethod {
    /// Paper or e-mail invoice.
    Invoice,
    /// Vipps recurring agreement.
    Vipps,
    /// MobilePay recurring agreement.
    MobilePay,
    /// SwedbankPay (PayEx) card agreement.
    SwedbankPay,
    /// AvtaleGiro (registered by the reader in their bank).
    AvtaleGiro,
    /// eFaktura (registered by the reader in their bank).
    #[serde(rename = "eFaktura")]
    EFaktura,
    /// EHF e-invoice.
    #[serde(rename = "EHF")]
    Ehf,
    /// Invoice by e-mail.
    Email,
    /// OIO (Danish e-invoice).
    #[serde(rename = "OIO")]
    Oio,
    /// Autogiro (Sweden).
    Autogiro,
    /// BetalingsService (Denmark).
    BetalingsService,
    /// Mollie.
    Mollie,
}

impl S4PaymentMethod {
    /// The wire name (`"SwedbankPay"`).
    pub fn wire_name(self) -> &'static str {
        match self {
            S4PaymentMethod::Invoice => "Invoice",
            S4PaymentMethod::Vipps => "Vipps",
            S4PaymentMethod::MobilePay => "MobilePay",
            S4PaymentMethod::SwedbankPay => "SwedbankPay",
            S4PaymentMethod::AvtaleGiro => "AvtaleGiro",
            S4PaymentMethod::EFaktura => "eFaktura",
            S4PaymentMethod::Ehf => "EHF",
            S4PaymentMethod::Email => "Email",
            S4PaymentMethod::Oio => "OIO",
            S4PaymentMethod::Autogiro => "Autogiro",
            S4PaymentMethod::BetalingsService => "BetalingsService",
            S4PaymentMethod::Mollie => "Mollie",
        }
    }

    /// Every method.
    pub const ALL: [S4PaymentMethod; 12] = [
        S4PaymentMethod::Invoice,
        S4PaymentMethod::Vipps,
        S4PaymentMethod::MobilePay,
        S4PaymentMethod::SwedbankPay,
        S4PaymentMethod::AvtaleGiro,
        S4PaymentMethod::EFaktura,
        S4PaymentMethod::Ehf,
        S4PaymentMethod::Email,
        S4PaymentMethod::Oio,
        S4PaymentMethod::Autogiro,
        S4PaymentMethod::BetalingsService,
        S4PaymentMethod::Mollie,
    ];

    /// Parses a wire name exactly.
    pub fn from_wire(s: &str) -> Option<S4PaymentMethod> {
        S4PaymentMethod::ALL.into_iter().find(|m| m.wire_name() == s)
    }

    /// Whether the reader is sent to `terminalRedirectUrl` to approve (Vipps, MobilePay,
    /// SwedbankPay). The bank-registered ones (AvtaleGiro, eFaktura, Autogiro,
    /// BetalingsService) and invoices have no interactive step in the order API.
    pub fn is_interactive(self) -> bool {
        matches!(
            self,
            S4PaymentMethod::Vipps | S4PaymentMethod::MobilePay | S4PaymentMethod::SwedbankPay
        )
    }
}

impl S4PaymentMethod {
    /// Which S4 methods an S4 offer may show (empty for a ConnectID offer). Only the methods that
    /// Kasse can take through the order API are kept: Invoice and the interactive agreements;
    /// bank-registered methods (AvtaleGiro, eFaktura, Autogiro, BetalingsService) are set up by the
    /// reader in their bank, out of band.
    pub fn for_offer(offer: &Offer) -> Vec<S4PaymentMethod> {
        let Some(t) = offer.s4.as_ref().filter(|_| offer.backend == Backend::S4) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for &m in &t.payment_methods {
            if (m.is_interactive() || m == S4PaymentMethod::Invoice) && !out.contains(&m) {
                out.push(m);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_wire_names() {
        for m in S4PaymentMethod::ALL {
            let json = serde_json::to_string(&m).unwrap();
            assert_eq!(json, format!("\"{}\"", m.wire_name()));
            assert_eq!(S4PaymentMethod::from_wire(m.wire_name()), Some(m));
        }
        assert_eq!(S4PaymentMethod::from_wire("vipps"), None);
    }
}
