//! Behaviour tests of the rules on the demo catalog (`tests/fixtures/offers.toml`): offers, the
//! form and builders, validation of whole payloads, conformance (tampering), fulfillment URLs and
//! returns, vendor errors. One test binary, one module per subject.

mod checkout;
mod conformance;
mod fulfillment;
mod offers;
mod validation;
mod vendor_errors;

use kasse_core::checkout::{CheckoutForm, S4Urls};
use kasse_core::conformance::S4Expect;
use kasse_core::contract::S4Public;
use kasse_core::error_code::{ErrorCode, FieldError};
use kasse_core::i18n::Locale;
use kasse_core::offer::Offer;

#[derive(serde::Deserialize)]
struct Catalog {
    offer: Vec<Offer>,
}

fn catalog() -> Vec<Offer> {
    let text = std::fs::read_to_string(format!("{}/tests/fixtures/offers.toml", env!("CARGO_MANIFEST_DIR"))).unwrap();
    toml::from_str::<Catalog>(&text).unwrap().offer
}

fn offer(id: &str) -> Offer {
    catalog().into_iter().find(|o| o.id == id).unwrap()
}

fn codes(errs: &[FieldError]) -> Vec<(&str, ErrorCode)> {
    errs.iter().map(|e| (e.path.as_str(), e.code)).collect()
}

fn kari(method: &str) -> CheckoutForm {
    CheckoutForm {
        first_name: "Kari".into(),
        last_name: "Nordmann".into(),
        company_name: None,
        email: "kari.nordmann@example.no".into(),
        phone: "912 34 567".into(),
        street: "Osloveien 12".into(),
        postal_code: "0101".into(),
        postal_place: "Oslo".into(),
        country_code: "NO".into(),
        method: method.into(),
        accept_terms: true,
        products: Vec::new(),
        marketing_consent: false,
    }
}

/// The publisher's S4 URLs, as the gateway serves them.
fn s4_public() -> S4Public {
    S4Public {
        merchant_agreement_url: Some("https://news.example.no/kasse/vipps-agreement".into()),
        callback_url: Some("https://gateway.example.no/s4/callback".into()),
    }
}

/// What the gateway expects of an S4 order: `prefixes` for return URLs, [`s4_public`]'s URLs.
fn expect(prefixes: &[String]) -> S4Expect<'_> {
    static PUBLIC: std::sync::LazyLock<S4Public> = std::sync::LazyLock::new(s4_public);
    S4Expect {
        url_prefixes: prefixes,
        public: &PUBLIC,
    }
}

fn s4_urls() -> S4Urls {
    S4Urls {
        merchant_agreement_url: "https://news.example.no/kasse/vipps-agreement".into(),
        complete_url: "https://news.example.no/kasse/complete".into(),
        cancel_url: "https://news.example.no/kasse/cancel".into(),
        callback_url: "https://gateway.example.no/s4/callback".into(),
        culture: Some(Locale::Nb.culture().into()),
    }
}
