//! Seed data: the vendor-side world (clients, coupons, products, payment methods, test users, S4
//! tenants and templates). Loaded once at start; the default is `seed.toml` beside `Cargo.toml`.

use serde::Deserialize;

/// The seed file compiled into the binary (`crates/kasse-sandbox/seed.toml`).
pub const DEFAULT_SEED_TOML: &str = include_str!("../seed.toml");

/// All seed data.
#[derive(Debug, Clone, Deserialize)]
pub struct Seed {
    /// ConnectID side.
    pub connectid: ConnectIdSeed,
    /// S4 side.
    pub s4: S4Seed,
}

/// ConnectID seed data.
#[derive(Debug, Clone, Deserialize)]
pub struct ConnectIdSeed {
    /// OAuth clients (client credentials and authorization code).
    pub clients: Vec<Client>,
    /// Coupons known to the vendor.
    pub coupons: Vec<Coupon>,
    /// Products known to the vendor.
    pub products: Vec<Product>,
    /// Payment methods and what each supports.
    pub payment_methods: Vec<PaymentMethod>,
    /// Test users for the login page.
    pub users: Vec<User>,
    /// Marketing consents and their texts (`/v1/client/customer/privacy/…`).
    #[serde(default)]
    pub consents: Vec<Consent>,
}

/// A ConnectID OAuth client.
#[derive(Debug, Clone, Deserialize)]
pub struct Client {
    /// `client_id`.
    pub client_id: String,
    /// `client_secret`.
    pub client_secret: String,
    /// Display name on the hosted pages.
    #[serde(default)]
    pub name: String,
    /// Allowed redirect URIs for the authorization code flow; empty = any absolute http(s) URL.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
}

/// A ConnectID coupon (code + number).
#[derive(Debug, Clone, Deserialize)]
pub struct Coupon {
    /// Coupon code (≤ 12 characters).
    pub code: String,
    /// Coupon number.
    pub number: i64,
    /// Human description.
    #[serde(default)]
    pub description: String,
    /// The product the coupon sells.
    pub product: String,
    /// Catalog price in major units.
    pub price: f64,
    /// ISO 4217 currency.
    pub currency: String,
    /// Company code of the publisher.
    #[serde(default)]
    pub company_code: String,
    /// VAT percent included in the price.
    #[serde(default)]
    pub vat_percent: f64,
    /// Whether the offer renews.
    #[serde(default)]
    pub recurring: bool,
    /// Whether the offer is paid before ordering.
    #[serde(default)]
    pub prepaid: bool,
    /// Access product the order grants, if any.
    #[serde(default)]
    pub access_product: Option<String>,
    /// Period length (in `period_type` units).
    #[serde(default)]
    pub period_length: i64,
    /// Period unit (`day`, `month`, …).
    #[serde(default)]
    pub period_type: String,
}

impl Coupon {
    /// Catalog price in minor units (øre, öre).
    pub fn price_cents(&self) -> i64 {
        (self.price * 100.0).round() as i64
    }
}

/// A ConnectID product.
#[derive(Debug, Clone, Deserialize)]
pub struct Product {
    /// Product id.
    pub id: String,
    /// Product name.
    #[serde(default)]
    pub name: String,
}

/// A payment method row of ConnectID's payment-method support table.
#[derive(Debug, Clone, Deserialize)]
pub struct PaymentMethod {
    /// `paymentMethod` value.
    pub name: String,
    /// Supports `recurring = true`.
    pub recurring: bool,
    /// Supports `recurring = false`.
    pub non_recurring: bool,
    /// Supports `prepaid = true`.
    pub prepaid: bool,
}

/// A ConnectID test user.
#[derive(Debug, Clone, Deserialize)]
pub struct User {
    /// The vendor's user id.
    pub unique_user_id: String,
    /// Login e-mail.
    pub email: String,
    /// Password for the login page.
    pub password: String,
    /// Phone number, +E.164.
    #[serde(default)]
    pub phone: Option<String>,
    /// First name.
    #[serde(default)]
    pub first_name: String,
    /// Last name.
    #[serde(default)]
    pub last_name: String,
    /// Middle name (the profile's `name.middleName`).
    #[serde(default)]
    pub middle_name: Option<String>,
    /// Company name (the profile's `name.companyName`).
    #[serde(default)]
    pub company_name: Option<String>,
    /// The vendor's customer number (the profile's `customerNumber`).
    #[serde(default)]
    pub customer_number: Option<i64>,
    /// Products the reader already has access to before any order (`/v1/customer/access`):
    /// stands in for a subscription bought outside the sandbox.
    #[serde(default)]
    pub access_products: Vec<String>,
}

/// A marketing consent of an issuer, with its texts per language.
#[derive(Debug, Clone, Deserialize)]
pub struct Consent {
    /// The issuer (the consent text and event paths' `{issuer}`).
    pub issuer: String,
    /// `consentId`.
    pub consent_id: String,
    /// `consentGroupId`.
    #[serde(default)]
    pub consent_group_id: String,
    /// `target` (`email`, `sms`, …).
    pub target: String,
    /// `scope` (`marketing`, …).
    pub scope: String,
    /// One text per language, each with its history.
    pub texts: Vec<ConsentText>,
}

/// A consent's text in one language.
#[derive(Debug, Clone, Deserialize)]
pub struct ConsentText {
    /// `consentTextId`.
    pub consent_text_id: i64,
    /// `languageCode`, e.g. `nb_NO`.
    pub language_code: String,
    /// The versions of the text, oldest first.
    pub history: Vec<ConsentTextVersion>,
}

/// One version of a consent text.
#[derive(Debug, Clone, Deserialize)]
pub struct ConsentTextVersion {
    /// `consentTextHistoryId`.
    pub id: i64,
    /// The sentence the reader agrees to.
    pub text: String,
    /// Valid from, epoch ms.
    pub from_date: i64,
    /// Valid until (exclusive), epoch ms; none = still valid.
    #[serde(default)]
    pub to_date: Option<i64>,
}

impl ConsentTextVersion {
    /// Whether this version is the one shown at `now_ms`.
    pub fn active_at(&self, now_ms: i64) -> bool {
        self.from_date <= now_ms && self.to_date.is_none_or(|to| now_ms < to)
    }
}

/// S4 seed data.
#[derive(Debug, Clone, Deserialize)]
pub struct S4Seed {
    /// OAuth clients.
    pub clients: Vec<S4Client>,
    /// Tenants with their organizations and template packages.
    pub tenants: Vec<S4Tenant>,
}

/// An S4 OAuth client.
#[derive(Debug, Clone, Deserialize)]
pub struct S4Client {
    /// `client_id`.
    pub client_id: String,
    /// `client_secret`.
    pub client_secret: String,
    /// Tenants this client may act for.
    pub tenants: Vec<String>,
}

/// An S4 tenant.
#[derive(Debug, Clone, Deserialize)]
pub struct S4Tenant {
    /// Tenant GUID (`S4-TenantId`).
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Organization GUIDs; the first is the default.
    pub organizations: Vec<String>,
    /// Template packages.
    pub templates: Vec<S4Template>,
}

/// An S4 template package.
#[derive(Debug, Clone, Deserialize)]
pub struct S4Template {
    /// GUID.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Whether `templatePackageChoices.priceOverride` is allowed (rule `AllowPriceOverride`).
    pub allows_price_override: bool,
    /// Products of the package.
    pub products: Vec<S4Product>,
    /// Fewest products a choice may hold (default 1).
    #[serde(default = "one")]
    pub min_products: usize,
    /// Most products a choice may hold (default: all). Equal to `min_products`, the package has
    /// the rule `FixedNumberOfProducts`; otherwise `FreeNumberOfProducts` with this value.
    #[serde(default)]
    pub max_products: Option<usize>,
    /// ISO 4217 currency of the prices (default NOK).
    #[serde(default = "nok")]
    pub currency: String,
}

fn one() -> usize {
    1
}

fn nok() -> String {
    "NOK".into()
}

/// A product of an S4 template package.
#[derive(Debug, Clone, Deserialize)]
pub struct S4Product {
    /// GUID.
    pub product_id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Full price in major units.
    pub full_price: f64,
    /// Tax percent.
    pub tax_percent: f64,
}

impl Seed {
    /// Parses a seed TOML document.
    pub fn from_toml(text: &str) -> Result<Seed, toml::de::Error> {
        toml::from_str(text)
    }

    /// The compiled-in default seed.
    pub fn default_seed() -> Seed {
        Seed::from_toml(DEFAULT_SEED_TOML).expect("the compiled-in seed.toml is valid")
    }

    /// A ConnectID client by id.
    pub fn client(&self, client_id: &str) -> Option<&Client> {
        self.connectid.clients.iter().find(|c| c.client_id == client_id)
    }

    /// A coupon by code and number.
    pub fn coupon(&self, code: &str, number: i64) -> Option<&Coupon> {
        self.connectid
            .coupons
            .iter()
            .find(|c| c.code == code && c.number == number)
    }

    /// Whether a product id is known.
    pub fn has_product(&self, id: &str) -> bool {
        self.connectid.products.iter().any(|p| p.id == id)
    }

    /// A payment method row by name.
    pub fn payment_method(&self, name: &str) -> Option<&PaymentMethod> {
        self.connectid.payment_methods.iter().find(|m| m.name == name)
    }

    /// A seed user by `uniqueUserId`.
    pub fn user(&self, unique_user_id: &str) -> Option<&User> {
        self.connectid.users.iter().find(|u| u.unique_user_id == unique_user_id)
    }

    /// Whether an issuer has consents.
    pub fn has_issuer(&self, issuer: &str) -> bool {
        self.connectid.consents.iter().any(|c| c.issuer == issuer)
    }

    /// An S4 client by id.
    pub fn s4_client(&self, client_id: &str) -> Option<&S4Client> {
        self.s4.clients.iter().find(|c| c.client_id == client_id)
    }

    /// An S4 tenant by id.
    pub fn s4_tenant(&self, id: &str) -> Option<&S4Tenant> {
        self.s4.tenants.iter().find(|t| t.id.eq_ignore_ascii_case(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_seed_has_the_shared_demo_data() {
        let seed = Seed::default_seed();
        assert!(seed.client("kasse-demo").is_some());
        assert_eq!(seed.coupon("VS283", 1673).unwrap().price_cents(), 15000);
        assert_eq!(seed.coupon("DIGI1M", 1001).unwrap().price_cents(), 14900);
        assert!(seed.coupon("NOA3263", 51).is_some());
        assert_eq!(seed.coupon("SEDIG", 2001).unwrap().currency, "SEK");
        assert!(!seed.payment_method("sms").unwrap().prepaid);
        assert!(seed.payment_method("kco").unwrap().prepaid);
        let tenant = seed.s4_tenant("00000000-0000-0000-0000-0000000000aa").unwrap();
        assert_eq!(tenant.templates[0].products.len(), 8);
        assert!(!tenant.templates[1].allows_price_override);
        let ola = seed.user("6f1c1a8e-0000-4000-8000-000000000003").unwrap();
        assert_eq!(
            (ola.customer_number, ola.access_products.as_slice()),
            (Some(100003), &["DIGI".to_string()][..])
        );
        let consent = &seed.connectid.consents[0];
        let languages: Vec<&str> = consent.texts.iter().map(|t| t.language_code.as_str()).collect();
        assert_eq!(languages, ["nb_NO", "sv_SE", "da_DK", "fi_FI", "en_GB"]);
        let now = crate::util::now_ms();
        assert!(consent.texts.iter().all(|t| t.history.iter().any(|v| v.active_at(now))));
    }
}
