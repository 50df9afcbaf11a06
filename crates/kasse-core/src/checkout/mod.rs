//! The reader's form, its validation, and the vendor payloads built from it (one builder per
//! vendor).

pub mod attempt;
mod connectid;
pub mod failure;
mod s4;
mod start;

pub use connectid::build_client_order;
pub use s4::{build_s4_request, S4Urls};
pub use start::{build_start_subscription, check_start_against_offer};

use serde::{Deserialize, Serialize};

use crate::connectid::PaymentMethod;
use crate::error_code::{at, ErrorCode, Errors, FieldError};
use crate::field::{is_iso_country, is_valid_email, normalize_phone, normalize_postal_code};
use crate::i18n::Locale;
use crate::offer::{Backend, Offer};
use crate::s4::S4PaymentMethod;

/// What the reader typed, as typed. Field names (camelCase) are the error paths.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CheckoutForm {
    /// First name (optional for the vendor).
    pub first_name: String,
    /// Last name: required unless a company name is given.
    pub last_name: String,
    /// Company name.
    pub company_name: Option<String>,
    /// E-mail: this or phone is required.
    pub email: String,
    /// Phone in any Nordic local or international form: this or e-mail is required.
    pub phone: String,
    /// Street address (required when the offer delivers paper).
    pub street: String,
    /// Postal code, checked against `country_code`.
    pub postal_code: String,
    /// Postal place (required when the offer delivers paper).
    pub postal_place: String,
    /// ISO 3166-1 alpha-2.
    pub country_code: String,
    /// Chosen method's wire name (`creditcardPayex` for ConnectID, `Vipps` for S4).
    pub method: String,
    /// Terms accepted.
    pub accept_terms: bool,
    /// S4 offers with choices: the product GUIDs the reader ticked.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<String>,
    /// The offer's marketing consent box, ticked by the reader (never by default).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub marketing_consent: bool,
}

/// A form that passed validation, normalised (trimmed, E.164 phone, wire postal code).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidForm {
    /// Trimmed, `None` when blank.
    pub first_name: Option<String>,
    /// Trimmed, `None` when blank.
    pub last_name: Option<String>,
    /// Trimmed, `None` when blank.
    pub company_name: Option<String>,
    /// Trimmed, `None` when blank.
    pub email: Option<String>,
    /// E.164, `None` when blank.
    pub phone: Option<String>,
    /// Trimmed, `None` when blank.
    pub street: Option<String>,
    /// Wire form.
    pub postal_code: String,
    /// Trimmed, `None` when blank.
    pub postal_place: Option<String>,
    /// Upper case ISO code.
    pub country_code: String,
    /// The chosen method.
    pub method: ChosenMethod,
}

/// The method the reader chose, for the offer's back end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChosenMethod {
    /// A ConnectID method.
    ConnectId(PaymentMethod),
    /// An S4 method.
    S4(S4PaymentMethod),
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// The reader's method, by wire name, among the offer's: one rule for both back ends.
fn choose_method<M: PartialEq>(wire: &str, parse: fn(&str) -> Option<M>, allowed: &[M]) -> Result<M, ErrorCode> {
    let wire = wire.trim();
    match parse(wire) {
        None if wire.is_empty() => Err(ErrorCode::Required),
        None => Err(ErrorCode::InvalidValue),
        Some(m) if !allowed.contains(&m) => Err(ErrorCode::MethodNotAllowed),
        Some(m) => Ok(m),
    }
}

/// Validates the reader's form for an offer; every error at once, at the form's field names.
pub fn validate_form(offer: &Offer, form: &CheckoutForm) -> Result<ValidForm, Vec<FieldError>> {
    let mut e = Errors::default();
    let company = form.company_name.as_deref().and_then(opt);
    let last = opt(&form.last_name);
    if last.is_none() && company.is_none() {
        e.push("lastName", ErrorCode::NameRequired);
    }
    let country = form.country_code.trim().to_ascii_uppercase();
    if country.is_empty() {
        e.push("countryCode", ErrorCode::Required);
    } else if !is_iso_country(&country) {
        e.push("countryCode", ErrorCode::InvalidCountry);
    }
    let (email, phone) = check_contact(form, &country, &mut e);
    let postal_code = normalize_postal_code(&form.postal_code, &country).unwrap_or_else(|code| {
        e.push("postalCode", code);
        String::new()
    });
    let street = opt(&form.street);
    let postal_place = opt(&form.postal_place);
    if offer.requires_address {
        if street.is_none() {
            e.push("street", ErrorCode::Required);
        }
        if postal_place.is_none() {
            e.push("postalPlace", ErrorCode::Required);
        }
    }
    let method = check_method(offer, &form.method, &mut e);
    if let Some(t) = offer
        .s4
        .as_ref()
        .filter(|t| offer.backend == Backend::S4 && !t.choices.is_empty())
    {
        crate::offer::s4_check_choice(t, &form.products, "products", &mut e);
    }
    if !form.accept_terms {
        e.push("acceptTerms", ErrorCode::TermsNotAccepted);
    }
    e.finish()?;
    Ok(ValidForm {
        first_name: opt(&form.first_name),
        last_name: last,
        company_name: company,
        email,
        phone,
        street,
        postal_code,
        postal_place,
        country_code: country,
        // Reached only without errors, so a method was chosen.
        method: method.ok_or_else(|| vec![FieldError::new("method", ErrorCode::Required)])?,
    })
}

/// E-mail and phone: at least one, each valid; the phone normalised to E.164 for `country`.
fn check_contact(form: &CheckoutForm, country: &str, e: &mut Errors) -> (Option<String>, Option<String>) {
    let email = opt(&form.email);
    let phone_in = opt(&form.phone);
    if email.is_none() && phone_in.is_none() {
        e.push("email", ErrorCode::ContactRequired);
        e.push("phone", ErrorCode::ContactRequired);
    }
    if let Some(m) = &email {
        if !is_valid_email(m) {
            e.push("email", ErrorCode::InvalidEmail);
        }
    }
    let phone = phone_in.and_then(|p| match normalize_phone(&p, country) {
        Ok(v) => Some(v),
        Err(code) => {
            e.push("phone", code);
            None
        }
    });
    (email, phone)
}

/// The reader's method among the ones the offer shows, for the offer's back end.
fn check_method(offer: &Offer, wire: &str, e: &mut Errors) -> Option<ChosenMethod> {
    let chosen = match offer.backend {
        Backend::ConnectId if cfg!(feature = "connectid") => {
            choose_method(wire, PaymentMethod::from_wire, &PaymentMethod::for_offer(offer)).map(ChosenMethod::ConnectId)
        }
        Backend::S4 if cfg!(feature = "s4") => {
            choose_method(wire, S4PaymentMethod::from_wire, &S4PaymentMethod::for_offer(offer)).map(ChosenMethod::S4)
        }
        // A build without the offer's back end (a widget bundle of the other) takes no method for it.
        _ => Err(ErrorCode::MethodNotAllowed),
    };
    chosen.map_err(|code| e.push("method", code)).ok()
}

/// One payment method as the form offers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MethodChoice {
    /// The wire name the form's `method` holds.
    pub wire: &'static str,
    /// Its display name.
    pub label: crate::i18n::MessageKey,
    /// Whether choosing it sends the reader to a payment page (the submit button says so).
    pub leaves_page: bool,
}

/// The methods the form shows for an offer, of its back end, in the catalog's order.
pub fn method_choices(offer: &Offer) -> Vec<MethodChoice> {
    match offer.backend {
        Backend::ConnectId if cfg!(feature = "connectid") => PaymentMethod::for_offer(offer)
            .into_iter()
            .map(|m| MethodChoice {
                wire: m.wire_name(),
                label: m.message_key(),
                leaves_page: m.is_interactive() && !offer.prepaid,
            })
            .collect(),
        Backend::S4 if cfg!(feature = "s4") => S4PaymentMethod::for_offer(offer)
            .into_iter()
            .map(|m| MethodChoice {
                wire: m.wire_name(),
                label: m.message_key(),
                leaves_page: m.is_interactive(),
            })
            .collect(),
        // A build without the offer's back end (a widget bundle of the other) has no method for it.
        _ => Vec::new(),
    }
}

/// The country a new form starts with: the one of the offer's currency, else of the reader's
/// language. The reader can change it; it is only a good first guess.
pub fn default_country(offer: &Offer, locale: Locale) -> &'static str {
    match (offer.currency.code(), locale) {
        ("SEK", _) => "SE",
        ("DKK", _) => "DK",
        ("EUR", _) => "FI",
        ("NOK", _) => "NO",
        (_, Locale::Sv) => "SE",
        (_, Locale::Da) => "DK",
        (_, Locale::Fi) => "FI",
        _ => "NO",
    }
}

/// A payload built from a valid form that still fails its vendor's rules: the offer is at fault,
/// so the errors point at `offer.…` rather than at a field the reader cannot fix.
fn blame_offer(errs: Vec<FieldError>) -> Vec<FieldError> {
    errs.into_iter()
        .map(|e| FieldError::new(at("offer", &e.path), e.code))
        .collect()
}
