//! The S4 side of an offer: a template package, the products the reader may choose out of it,
//! and what the choice costs. The widget shows the price from [`package_price`] as the reader
//! ticks, and the gateway checks an order's choice with [`check_choice`]: one rule, both sides.

use serde::{Deserialize, Serialize};

use super::{Offer, Text};
use crate::error_code::{at, item, ErrorCode, Errors};
use crate::field::is_uuid;
use crate::money::Money;
use crate::s4::S4PaymentMethod;

/// The S4 side of an offer: which template package, which product choices, which methods.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct S4Template {
    /// Template package GUID.
    pub template_package_id: String,
    /// Organization GUID; absent = the tenant's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// A fixed product set (`templatePackageChoices.products`), not the reader's to change;
    /// empty = all of the template's products, sent without a choice. Not with `choices`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<String>,
    /// The products the reader chooses from, with names and list prices; the order carries the
    /// reader's choice as `templatePackageChoices.products`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<S4Choice>,
    /// Fewest products a reader may choose (default 1; S4's `FreeNumberOfProducts` /
    /// `FixedNumberOfProducts` rules are the vendor's side of the same limit).
    #[serde(default = "one_product")]
    pub min_products: u32,
    /// Most products a reader may choose; absent = all of `choices`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_products: Option<u32>,
    /// When true the order carries `priceOverride` = the offer's price, whatever is chosen (a
    /// campaign price; the template must allow overrides at the vendor); when false it must not
    /// carry one.
    #[serde(default)]
    pub price_override: bool,
    /// S4 payment methods the offer may show.
    pub payment_methods: Vec<S4PaymentMethod>,
}

fn one_product() -> u32 {
    1
}

/// One product of a package the reader may tick.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct S4Choice {
    /// Product GUID (S4's `productId`).
    pub product: String,
    /// What the reader sees (`"Lørdagsavis"`), per locale.
    pub name: Text,
    /// The product's list price per period (S4's `fullPrice`), major units on the wire.
    pub price: Money,
    /// Ticked when the form opens.
    #[serde(default)]
    pub default: bool,
}

impl S4Template {
    /// The most products a reader may choose.
    pub fn max_choices(&self) -> usize {
        self.max_products.map_or(self.choices.len(), |m| m as usize)
    }

    /// The products ticked when the form opens.
    pub fn default_choice(&self) -> Vec<String> {
        self.choices
            .iter()
            .filter(|c| c.default)
            .map(|c| c.product.clone())
            .collect()
    }
}

/// What `chosen` costs per period: the campaign price when the offer overrides the price, the
/// sum of the chosen products' list prices when the reader chooses, else the offer's price. An
/// unknown product adds nothing ([`check_choice`] refuses it).
pub fn package_price(offer: &Offer, chosen: &[String]) -> Money {
    match offer.s4.as_ref() {
        Some(t) if !t.price_override && !t.choices.is_empty() => Money(
            t.choices
                .iter()
                .filter(|c| chosen.iter().any(|p| p.eq_ignore_ascii_case(&c.product)))
                .map(|c| c.price.0)
                .sum(),
        ),
        _ => offer.price,
    }
}

/// Checks a reader's product choice against the template: known products, none twice, and
/// between the fewest and the most allowed. Errors at `path` (the count) or `path[i]`.
pub(crate) fn check_choice(t: &S4Template, chosen: &[String], path: &str, e: &mut Errors) {
    for (i, id) in chosen.iter().enumerate() {
        if !t.choices.iter().any(|c| c.product.eq_ignore_ascii_case(id)) {
            e.push(item(path, i), ErrorCode::ProductNotAllowed);
        } else if chosen[..i].iter().any(|o| o.eq_ignore_ascii_case(id)) {
            e.push(item(path, i), ErrorCode::Duplicate);
        }
    }
    if chosen.len() < t.min_products as usize {
        e.push(path, ErrorCode::TooFewProducts);
    } else if chosen.len() > t.max_choices() {
        e.push(path, ErrorCode::TooManyProducts);
    }
}

/// An S4 offer: GUIDs where S4 takes GUIDs, at least one method, choices whose limits can be
/// met, a price that is what the default choice costs, and no ConnectID part.
pub(super) fn check_s4_offer(offer: &Offer, t: &S4Template, e: &mut Errors) {
    if !is_uuid(&t.template_package_id) {
        e.push("s4.templatePackageId", ErrorCode::InvalidUuid);
    }
    if let Some(o) = &t.organization_id {
        if !is_uuid(o) {
            e.push("s4.organizationId", ErrorCode::InvalidUuid);
        }
    }
    for (i, p) in t.products.iter().enumerate() {
        if !is_uuid(p) {
            e.push(item("s4.products", i), ErrorCode::InvalidUuid);
        }
    }
    if !t.choices.is_empty() {
        check_choices(offer, t, e);
    }
    if t.payment_methods.is_empty() {
        e.push("s4.paymentMethods", ErrorCode::Required);
    }
    if !offer.allowed_methods.is_empty() {
        e.push("allowedMethods", ErrorCode::UnexpectedField);
    }
    if offer.product_spec.is_some() {
        e.push("productSpec", ErrorCode::UnexpectedField);
    }
}

/// The choice table: valid products and prices, limits `1 ≤ min ≤ max ≤ choices`, a default
/// within them, and the offer's price equal to the default's (the price the summary shows first).
fn check_choices(offer: &Offer, t: &S4Template, e: &mut Errors) {
    if !t.products.is_empty() {
        e.push("s4.products", ErrorCode::Conflict);
    }
    for (i, c) in t.choices.iter().enumerate() {
        if !is_uuid(&c.product) {
            e.push(at(&item("s4.choices", i), "product"), ErrorCode::InvalidUuid);
        } else if t.choices[..i]
            .iter()
            .any(|o| o.product.eq_ignore_ascii_case(&c.product))
        {
            e.push(at(&item("s4.choices", i), "product"), ErrorCode::Duplicate);
        }
        if c.name.is_blank() {
            e.push(at(&item("s4.choices", i), "name"), ErrorCode::Required);
        }
        if c.price.minor() < 0 || !c.price.is_exact_on_wire() {
            e.push(at(&item("s4.choices", i), "price"), ErrorCode::InvalidAmount);
        }
    }
    let max = t.max_choices();
    if t.min_products == 0 || t.min_products as usize > max || max > t.choices.len() {
        e.push("s4.maxProducts", ErrorCode::InvalidValue);
        return;
    }
    let defaults = t.default_choice();
    check_choice(t, &defaults, "s4.choices.default", e);
    if package_price(offer, &defaults) != offer.price {
        e.push("price", ErrorCode::PriceMismatch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error_code::FieldError;

    const DIGITAL: &str = "00000000-0000-0000-0000-000000000201";
    const SATURDAY: &str = "00000000-0000-0000-0000-000000000202";
    const SUNDAY: &str = "00000000-0000-0000-0000-000000000203";

    pub(crate) fn package_offer() -> Offer {
        let choice = |product: &str, name: &str, price: i64, default: bool| S4Choice {
            product: product.into(),
            name: Text::from(name),
            price: Money(price),
            default,
        };
        let toml = r#"
            id = "s4-pick"
            backend = "s4"
            title = "Pick"
            price = 99
            currency = "NOK"
            period = { unit = "month" }
            [s4]
            templatePackageId = "10000000-0000-0000-0000-000000000002"
            maxProducts = 2
            paymentMethods = ["Vipps", "Invoice"]
        "#;
        let mut offer: Offer = toml::from_str(toml).unwrap();
        offer.s4.as_mut().unwrap().choices = vec![
            choice(DIGITAL, "Digital", 9900, true),
            choice(SATURDAY, "Lørdagsavis", 6000, false),
            choice(SUNDAY, "Søndagsavis", 5000, false),
        ];
        offer
    }

    fn codes(run: impl FnOnce(&mut Errors)) -> Vec<(String, ErrorCode)> {
        let mut e = Errors::default();
        run(&mut e);
        e.finish()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|FieldError { path, code }| (path, code))
            .collect()
    }

    #[test]
    fn the_price_follows_the_choice() {
        let offer = package_offer();
        assert_eq!(package_price(&offer, &[DIGITAL.into()]), Money(9900));
        assert_eq!(package_price(&offer, &[DIGITAL.into(), SUNDAY.into()]), Money(14900));
        assert_eq!(package_price(&offer, &[SATURDAY.to_uppercase()]), Money(6000));
        let mut campaign = offer.clone();
        campaign.s4.as_mut().unwrap().price_override = true;
        assert_eq!(package_price(&campaign, &[DIGITAL.into(), SUNDAY.into()]), Money(9900));
        assert!(crate::offer::validate_offer(&offer).is_ok());
    }

    #[test]
    fn choices_stay_within_the_package_and_its_limits() {
        let t = package_offer().s4.unwrap();
        let check = |chosen: &[&str]| {
            let chosen: Vec<String> = chosen.iter().map(|s| s.to_string()).collect();
            codes(|e| check_choice(&t, &chosen, "products", e))
        };
        assert!(check(&[DIGITAL, SUNDAY]).is_empty());
        assert_eq!(check(&[]), vec![("products".into(), ErrorCode::TooFewProducts)]);
        assert_eq!(
            check(&[DIGITAL, SATURDAY, SUNDAY]),
            vec![("products".into(), ErrorCode::TooManyProducts)]
        );
        assert_eq!(
            check(&[DIGITAL, "00000000-0000-0000-0000-000000000999"]),
            vec![("products[1]".into(), ErrorCode::ProductNotAllowed)]
        );
        assert_eq!(
            check(&[DIGITAL, DIGITAL]),
            vec![("products[1]".into(), ErrorCode::Duplicate)]
        );
    }

    #[test]
    fn a_catalog_choice_table_must_add_up() {
        let mut offer = package_offer();
        offer.price = Money(14900);
        offer.s4.as_mut().unwrap().max_products = Some(4);
        offer.s4.as_mut().unwrap().products = vec![DIGITAL.into()];
        assert_eq!(
            codes(|e| check_s4_offer(&offer, offer.s4.as_ref().unwrap(), e)),
            vec![
                ("s4.products".into(), ErrorCode::Conflict),
                ("s4.maxProducts".into(), ErrorCode::InvalidValue)
            ]
        );
        offer.s4.as_mut().unwrap().max_products = None;
        offer.s4.as_mut().unwrap().products.clear();
        assert_eq!(
            codes(|e| check_s4_offer(&offer, offer.s4.as_ref().unwrap(), e)),
            vec![("price".into(), ErrorCode::PriceMismatch)]
        );
    }
}
