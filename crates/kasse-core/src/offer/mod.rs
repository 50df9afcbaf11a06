//! The offer: what the gateway serves from its catalog and the widget renders.
//!
//! Field names are camelCase in JSON and TOML alike (`allowedMethods = ["invoice"]`), so one
//! catalog file format serves both the gateway's config and the widget's fetch. Amounts use the
//! vendors' convention, major units (`price = 149` or `price = 149.5`), read into minor units.

use serde::{Deserialize, Serialize};

use crate::connectid::PaymentMethod;
use crate::error_code::{item, ErrorCode, Errors, FieldError, Limits};
use crate::i18n::Locale;
use crate::money::{Currency, Money};

mod localized;
mod s4;
mod shapes;
mod start;

pub use localized::LocalizedTexts;

pub(crate) use s4::check_choice as s4_check_choice;
pub use s4::{package_price, S4Choice, S4Template};
pub use start::{StartSpec, DAY_MS};

/// Which vendor an offer is sold through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Backend {
    /// Mediaconnect / Unite ConnectID.
    #[serde(rename = "connectId", alias = "connectid")]
    ConnectId,
    /// Info-Subscription S4.
    #[serde(rename = "s4")]
    S4,
}

/// A reader-facing text: one plain string, or one per locale tag (`{ nb = "…", en = "…" }`).
/// Read by hand ([`shapes`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Text {
    /// The same text in every locale.
    Plain(String),
    /// Keyed by locale tag (`nb`, `sv`, `en`; anything [`Locale::negotiate`] understands).
    Localized(LocalizedTexts),
}

impl Text {
    /// The text for `locale`: the exact locale, else English, else any.
    pub fn get(&self, locale: Locale) -> &str {
        match self {
            Text::Plain(s) => s,
            Text::Localized(map) => map
                .iter()
                .find(|(k, _)| Locale::negotiate(k) == locale)
                .or_else(|| map.iter().find(|(k, _)| Locale::negotiate(k) == Locale::En))
                .or_else(|| map.iter().next())
                .map_or("", |(_, v)| v),
        }
    }

    /// True when no locale has a non-blank text.
    pub fn is_blank(&self) -> bool {
        match self {
            Text::Plain(s) => s.trim().is_empty(),
            Text::Localized(map) => map.iter().all(|(_, v)| v.trim().is_empty()),
        }
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::Plain(s.to_owned())
    }
}

/// A unit of subscription time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PeriodUnit {
    /// Days.
    Day,
    /// Weeks.
    Week,
    /// Months.
    Month,
    /// Years.
    Year,
}

/// How long one paid period lasts (`{ count = 3, unit = "month" }`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    /// Number of units; at least 1.
    #[serde(default = "one")]
    pub count: u32,
    /// The unit.
    pub unit: PeriodUnit,
}

fn one() -> u32 {
    1
}

impl Period {
    /// One month.
    pub const MONTH: Period = Period {
        count: 1,
        unit: PeriodUnit::Month,
    };
    /// One year.
    pub const YEAR: Period = Period {
        count: 1,
        unit: PeriodUnit::Year,
    };
}

/// What a ConnectID order line buys: a coupon (code + number) or a product. Read by hand
/// ([`shapes`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ProductSpec {
    /// `productSpecType: "coupon"` with `productSpecCode` + `productSpecNo`.
    Coupon {
        /// Coupon code (≤ 12 characters).
        code: String,
        /// Coupon number.
        number: i64,
    },
    /// `productSpecType: "product"` with `product`.
    Product {
        /// Product code (≤ 12 characters).
        product: String,
    },
}

/// A ConnectID marketing coupon (`marketingCouponCode` + `marketingCouponNumber`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coupon {
    /// Coupon code (≤ 12 characters).
    pub code: String,
    /// Coupon number.
    pub number: i64,
}

/// Temporary digital access granted by the order line (`allowAccessProduct`,
/// `allowAccessSeconds`, `allowAccessCategoryType`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessGrant {
    /// The access product (`allowAccessProduct`).
    pub product: String,
    /// Seconds of access (`allowAccessSeconds`), > 0.
    pub seconds: i64,
    /// Optional category type (`allowAccessCategoryType`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_type: Option<String>,
}

/// One sellable offer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Offer {
    /// Stable id (catalog key, URL-safe).
    pub id: String,
    /// Which vendor sells it.
    pub backend: Backend,
    /// Title shown to the reader.
    pub title: Text,
    /// Optional longer description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Price per period, in minor units inside; major units on the wire.
    pub price: Money,
    /// ISO 4217 currency.
    pub currency: Currency,
    /// Length of one period.
    pub period: Period,
    /// Renews automatically.
    #[serde(default)]
    pub recurring: bool,
    /// Paid before the order is registered (gift cards, payment SDK): flows 2a/2b.
    #[serde(default)]
    pub prepaid: bool,
    /// ConnectID methods the publisher allows for this offer (before the support table filters).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(not(feature = "connectid"), serde(skip_deserializing))]
    pub allowed_methods: Vec<PaymentMethod>,
    /// ConnectID: what the order line buys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(feature = "connectid"), serde(skip_deserializing))]
    pub product_spec: Option<ProductSpec>,
    /// ConnectID: marketing coupon sent on the order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(feature = "connectid"), serde(skip_deserializing))]
    pub marketing_coupon: Option<Coupon>,
    /// ConnectID: temporary access written on the order line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(feature = "connectid"), serde(skip_deserializing))]
    pub access: Option<AccessGrant>,
    /// Whether the order opens locked digital content; if so, an order by a reader who is not
    /// logged in is followed by "assign user" (ConnectID's order flows 1b/2b).
    #[serde(default = "yes")]
    pub digital_access: bool,
    /// Whether the reader must give a street address and postal place (paper delivery).
    #[serde(default)]
    pub requires_address: bool,
    /// A gift: an order line may name a receiver other than the payer.
    #[serde(default)]
    pub gift: bool,
    /// S4: template package and choices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(feature = "s4"), serde(skip_deserializing))]
    pub s4: Option<S4Template>,
    /// ConnectID: a subscription a logged-in reader starts in one click (no order, no payment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(feature = "connectid"), serde(skip_deserializing))]
    pub start_subscription: Option<StartSpec>,
    /// ConnectID: a marketing consent the form offers (an unticked, optional box).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(feature = "connectid"), serde(skip_deserializing))]
    pub consent: Option<ConsentSpec>,
}

/// Which of the publisher's ConnectID consents an offer asks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentSpec {
    /// The consents' issuer (the publisher's company code at ConnectID).
    pub issuer: String,
    /// The consent's id.
    pub consent_id: String,
}

fn yes() -> bool {
    true
}

impl Offer {
    /// The ConnectID product whose access this offer sells: the access it grants, else the
    /// product it starts, else the product its order line names. What "already has it" is
    /// checked against.
    pub fn access_product(&self) -> Option<&str> {
        let started = self.start_subscription.as_ref().map(|s| s.product.as_str());
        let ordered = match &self.product_spec {
            Some(ProductSpec::Product { product }) => Some(product.as_str()),
            _ => None,
        };
        self.access.as_ref().map(|a| a.product.as_str()).or(started).or(ordered)
    }
}

/// Checks an offer from a catalog: what the gateway runs when it loads its configuration, so a
/// bad offer fails at start-up rather than at a reader's checkout.
pub fn validate_offer(offer: &Offer) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    if offer.id.trim().is_empty() {
        e.push("id", ErrorCode::Required);
    } else if !offer
        .id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
    {
        e.push("id", ErrorCode::InvalidValue);
    }
    if offer.title.is_blank() {
        e.push("title", ErrorCode::Required);
    }
    if offer.price.minor() < 0 || !offer.price.is_exact_on_wire() {
        e.push("price", ErrorCode::InvalidAmount);
    }
    if offer.period.count == 0 {
        e.push("period.count", ErrorCode::InvalidValue);
    }
    match (offer.backend, &offer.start_subscription) {
        (Backend::ConnectId, Some(spec)) => start::check_start_offer(offer, spec, &mut e),
        (Backend::ConnectId, None) => check_connectid_offer(offer, &mut e),
        (Backend::S4, start) => {
            if start.is_some() {
                e.push("startSubscription", ErrorCode::UnexpectedField);
            }
            match &offer.s4 {
                None => e.push("s4", ErrorCode::Required),
                Some(t) => s4::check_s4_offer(offer, t, &mut e),
            }
        }
    }
    e.finish()
}

/// A ConnectID offer: methods the support table allows for its recurring/prepaid combination, a
/// product or coupon within ConnectID's length limits, and no S4 part.
fn check_connectid_offer(offer: &Offer, e: &mut Errors) {
    if offer.allowed_methods.is_empty() {
        e.push("allowedMethods", ErrorCode::Required);
    }
    for (i, m) in offer.allowed_methods.iter().enumerate() {
        if !m.supports(offer.recurring, offer.prepaid) {
            e.push(item("allowedMethods", i), ErrorCode::MethodUnsupported);
        }
    }
    match &offer.product_spec {
        None => e.push("productSpec", ErrorCode::Required),
        Some(ProductSpec::Coupon { code, number }) => {
            e.required_len("productSpec.code", code, Limits::COUPON_CODE);
            if *number < 0 {
                e.push("productSpec.number", ErrorCode::InvalidValue);
            }
        }
        Some(ProductSpec::Product { product }) => {
            e.required_len("productSpec.product", product, Limits::PRODUCT);
        }
    }
    if let Some(c) = &offer.marketing_coupon {
        e.required_len("marketingCoupon.code", &c.code, Limits::COUPON_CODE);
        if c.number < 0 {
            e.push("marketingCoupon.number", ErrorCode::InvalidValue);
        }
    }
    if let Some(a) = &offer.access {
        if a.product.trim().is_empty() {
            e.push("access.product", ErrorCode::Required);
        }
        if a.seconds <= 0 {
            e.push("access.seconds", ErrorCode::InvalidValue);
        }
    }
    if offer.s4.is_some() {
        e.push("s4", ErrorCode::UnexpectedField);
    }
}
