//! Field validation: every error at once, each a stable [`ErrorCode`] at a field path.
//!
//! Paths use the wire names of the payload being checked (`payer.postalCode`,
//! `orderLines[0].productSpecNo`) or, for the reader's form, the form's field names (`email`).
//! Codes are serialised snake_case and never change meaning: integrators map them to their own copy.

use serde::{Deserialize, Serialize};

use crate::connectid::{ClientOrder, OrderLine, Party, ProductSpecType};
use crate::i18n::MessageKey;
use crate::money::is_iso_currency;

/// A stable machine-readable reason a field was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Missing or blank.
    Required,
    /// Longer than the vendor's limit.
    TooLong,
    /// Not one of the accepted values or shapes.
    InvalidValue,
    /// Not an e-mail address.
    InvalidEmail,
    /// Not a phone number that normalises to E.164.
    InvalidPhone,
    /// Not a postal code for the country.
    InvalidPostalCode,
    /// Not an ISO 3166-1 alpha-2 country code.
    InvalidCountry,
    /// Not an ISO 4217 currency code.
    InvalidCurrency,
    /// Negative amount or overflow.
    InvalidAmount,
    /// Quantity below 1 or otherwise unusable.
    InvalidQuantity,
    /// Not a GUID (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`).
    InvalidUuid,
    /// Not an absolute http(s) URL.
    InvalidUrl,
    /// `http` for a host other than loopback.
    InsecureUrl,
    /// A URL outside the allowed hosts or prefixes.
    UrlNotAllowed,
    /// A time that is missing, before 1970 or in the wrong order.
    InvalidDate,
    /// Coupon code and number must come together.
    CouponIncomplete,
    /// `companyName` or `lastName` is required.
    NameRequired,
    /// `emails` or `phoneNumbers` is required.
    ContactRequired,
    /// `allowAccessProduct` and `allowAccessSeconds` must come together.
    AccessIncomplete,
    /// `orderAmount` differs from the sum of the lines.
    AmountMismatch,
    /// A price differs from the offer's.
    PriceMismatch,
    /// The currency differs from the offer's.
    CurrencyMismatch,
    /// The product, coupon or template differs from the offer's.
    ProductMismatch,
    /// The marketing coupon differs from the offer's.
    CouponMismatch,
    /// The access grant differs from the offer's.
    AccessMismatch,
    /// The order is for another back end than the offer.
    BackendMismatch,
    /// The method is not one the offer shows.
    MethodNotAllowed,
    /// The method cannot carry this recurring/prepaid combination (seed 000's table).
    MethodUnsupported,
    /// `recurring` differs from the offer.
    RecurringMismatch,
    /// `prepaid` differs from the offer.
    PrepaidMismatch,
    /// A field that this order must not carry.
    UnexpectedField,
    /// Two fields that exclude each other are both set.
    Conflict,
    /// A value appears twice.
    Duplicate,
    /// The reader did not accept the terms.
    TermsNotAccepted,
    /// A price override where the offer has none, or the reverse.
    PriceOverrideNotAllowed,
    /// A product GUID outside the offer's template choices.
    ProductNotAllowed,
    /// None of `subscriberId`, `externalSubscriberId`, `subscriberNumber`.
    SubscriberRequired,
}

impl ErrorCode {
    /// The stable snake_case name (as serialised).
    pub fn as_str(self) -> &'static str {
        use ErrorCode::*;
        match self {
            Required => "required",
            TooLong => "too_long",
            InvalidValue => "invalid_value",
            InvalidEmail => "invalid_email",
            InvalidPhone => "invalid_phone",
            InvalidPostalCode => "invalid_postal_code",
            InvalidCountry => "invalid_country",
            InvalidCurrency => "invalid_currency",
            InvalidAmount => "invalid_amount",
            InvalidQuantity => "invalid_quantity",
            InvalidUuid => "invalid_uuid",
            InvalidUrl => "invalid_url",
            InsecureUrl => "insecure_url",
            UrlNotAllowed => "url_not_allowed",
            InvalidDate => "invalid_date",
            CouponIncomplete => "coupon_incomplete",
            NameRequired => "name_required",
            ContactRequired => "contact_required",
            AccessIncomplete => "access_incomplete",
            AmountMismatch => "amount_mismatch",
            PriceMismatch => "price_mismatch",
            CurrencyMismatch => "currency_mismatch",
            ProductMismatch => "product_mismatch",
            CouponMismatch => "coupon_mismatch",
            AccessMismatch => "access_mismatch",
            BackendMismatch => "backend_mismatch",
            MethodNotAllowed => "method_not_allowed",
            MethodUnsupported => "method_unsupported",
            RecurringMismatch => "recurring_mismatch",
            PrepaidMismatch => "prepaid_mismatch",
            UnexpectedField => "unexpected_field",
            Conflict => "conflict",
            Duplicate => "duplicate",
            TermsNotAccepted => "terms_not_accepted",
            PriceOverrideNotAllowed => "price_override_not_allowed",
            ProductNotAllowed => "product_not_allowed",
            SubscriberRequired => "subscriber_required",
        }
    }

    /// The reader-facing message for this code.
    pub fn message_key(self) -> MessageKey {
        use ErrorCode::*;
        match self {
            Required => MessageKey::ErrRequired,
            TooLong => MessageKey::ErrTooLong,
            InvalidEmail => MessageKey::ErrInvalidEmail,
            InvalidPhone => MessageKey::ErrInvalidPhone,
            InvalidPostalCode => MessageKey::ErrInvalidPostalCode,
            InvalidCountry => MessageKey::ErrInvalidCountry,
            CouponIncomplete => MessageKey::ErrCouponIncomplete,
            NameRequired => MessageKey::ErrNameRequired,
            ContactRequired => MessageKey::ErrContactRequired,
            TermsNotAccepted => MessageKey::ErrTermsNotAccepted,
            MethodNotAllowed | MethodUnsupported => MessageKey::ErrMethodNotAvailable,
            // The rest are not the reader's typing: the offer changed or the payload was tampered
            // with. The reader can only reload.
            InvalidValue | InvalidCurrency | InvalidAmount | InvalidQuantity | InvalidUuid | InvalidUrl
            | InsecureUrl | UrlNotAllowed | InvalidDate | AccessIncomplete | AmountMismatch
            | PriceMismatch | CurrencyMismatch | ProductMismatch | CouponMismatch | AccessMismatch
            | BackendMismatch | RecurringMismatch | PrepaidMismatch | UnexpectedField | Conflict
            | Duplicate | PriceOverrideNotAllowed | ProductNotAllowed | SubscriberRequired => {
                MessageKey::ErrOfferChanged
            }
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One refused field.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FieldError {
    /// Where: wire path (`payer.emails[0]`) or form field (`email`).
    pub path: String,
    /// Why.
    pub code: ErrorCode,
}

impl FieldError {
    /// A field error.
    pub fn new(path: impl Into<String>, code: ErrorCode) -> FieldError {
        FieldError { path: path.into(), code }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.code)
    }
}

/// Length limits the vendor references give, in characters.
///
/// ConnectID documents limits on some endpoints only (start subscription, coupon price, voucher
/// coupons). The same fields carry the same vendor data everywhere, so the limits are applied
/// wherever the field appears (e.g. `marketingCouponCode` and a coupon line's `productSpecCode` are
/// coupon codes: ≤ 12).
pub struct Limits;

impl Limits {
    /// `couponCode` (seed 003; coupon price).
    pub const COUPON_CODE: usize = 12;
    /// `product` (seed 003).
    pub const PRODUCT: usize = 12;
    /// `companyCode` (seed 003).
    pub const COMPANY_CODE: usize = 12;
    /// `customerReference` (seed 003).
    pub const CUSTOMER_REFERENCE: usize = 37;
    /// `countryCode` (coupon price).
    pub const COUNTRY_CODE: usize = 3;
    /// `postalCode` (coupon price).
    pub const POSTAL_CODE: usize = 10;
    /// `voucherCode` (voucher coupons).
    pub const VOUCHER_CODE: usize = 36;
}

/// Collects errors; `finish` turns an empty list into `Ok`.
#[derive(Default)]
pub(crate) struct Errors(pub(crate) Vec<FieldError>);

impl Errors {
    pub(crate) fn push(&mut self, path: impl Into<String>, code: ErrorCode) {
        self.0.push(FieldError::new(path, code));
    }

    /// Required, non-blank, at most `max` characters.
    pub(crate) fn required_len(&mut self, path: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.push(path, ErrorCode::Required);
        } else if value.chars().count() > max {
            self.push(path, ErrorCode::TooLong);
        }
    }

    /// Optional, but when present non-blank and at most `max` characters.
    pub(crate) fn optional_len(&mut self, path: &str, value: Option<&String>, max: usize) {
        if let Some(v) = value {
            self.required_len(path, v, max);
        }
    }

    pub(crate) fn extend(&mut self, other: Result<(), Vec<FieldError>>) {
        if let Err(e) = other {
            self.0.extend(e);
        }
    }

    pub(crate) fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.0)
        }
    }
}

fn blank(s: &Option<String>) -> bool {
    s.as_deref().is_none_or(|v| v.trim().is_empty())
}

/// Checks a ConnectID client order against every rule the seed and references give; returns all
/// violations at once.
pub fn validate_client_order(order: &ClientOrder) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    if let Some(id) = &order.external_order_id {
        if id.trim().is_empty() {
            e.push("externalOrderId", ErrorCode::Required);
        }
    }
    if let Some(d) = order.order_date {
        if d < 0 {
            e.push("orderDate", ErrorCode::InvalidDate);
        }
    }
    if !is_iso_currency(&order.currency) {
        e.push("currency", ErrorCode::InvalidCurrency);
    }
    if order.order_amount.minor() < 0 || !order.order_amount.is_exact_on_wire() {
        e.push("orderAmount", ErrorCode::InvalidAmount);
    }
    match (&order.marketing_coupon_code, order.marketing_coupon_number) {
        (None, None) => {}
        (Some(code), Some(_)) => e.required_len("marketingCouponCode", code, Limits::COUPON_CODE),
        (Some(_), None) => e.push("marketingCouponNumber", ErrorCode::CouponIncomplete),
        (None, Some(_)) => e.push("marketingCouponCode", ErrorCode::CouponIncomplete),
    }
    e.optional_len("companyCode", order.company_code.as_ref(), Limits::COMPANY_CODE);
    e.optional_len("customerReference", order.customer_reference.as_ref(), Limits::CUSTOMER_REFERENCE);
    if !order.payment_method.supports(order.recurring.unwrap_or(false), order.prepaid.unwrap_or(false)) {
        e.push("paymentMethod", ErrorCode::MethodUnsupported);
    }
    check_party(&mut e, "payer", &order.payer);
    if order.order_lines.is_empty() {
        e.push("orderLines", ErrorCode::Required);
    }
    let mut sum: Option<i64> = Some(0);
    for (i, line) in order.order_lines.iter().enumerate() {
        check_line(&mut e, &format!("orderLines[{i}]"), line);
        sum = match (sum, line.unit_price) {
            (Some(s), Some(p)) => p.minor().checked_mul(line.quantity).and_then(|v| s.checked_add(v)),
            _ => None,
        };
    }
    // The vendor (and the sandbox) check orderAmount == Σ quantity × unitPrice; only decidable when
    // every line carries a price.
    if let Some(sum) = sum {
        if !order.order_lines.is_empty() && sum != order.order_amount.minor() {
            e.push("orderAmount", ErrorCode::AmountMismatch);
        }
    }
    if let Some(info) = &order.payment_info_pay_ex {
        if let Some(card) = &info.card_details {
            if let Some(m) = &card.exp_month {
                let ok = m.len() <= 2 && m.parse::<u8>().is_ok_and(|v| (1..=12).contains(&v));
                if !ok {
                    e.push("paymentInfoPayEx.cardDetails.expMonth", ErrorCode::InvalidValue);
                }
            }
            if let Some(y) = &card.exp_year {
                let ok = (y.len() == 2 || y.len() == 4) && y.bytes().all(|b| b.is_ascii_digit());
                if !ok {
                    e.push("paymentInfoPayEx.cardDetails.expYear", ErrorCode::InvalidValue);
                }
            }
        }
    }
    e.finish()
}

fn check_party(e: &mut Errors, path: &str, p: &Party) {
    if blank(&p.company_name) && blank(&p.last_name) {
        e.push(format!("{path}.lastName"), ErrorCode::NameRequired);
    }
    let country = p.country_code.as_deref().unwrap_or("");
    if let Some(c) = &p.country_code {
        if !is_iso_country(c) {
            e.push(format!("{path}.countryCode"), ErrorCode::InvalidCountry);
        }
    }
    match &p.postal_code {
        None => e.push(format!("{path}.postalCode"), ErrorCode::Required),
        Some(pc) => {
            if let Err(code) = normalize_postal_code(pc, country) {
                e.push(format!("{path}.postalCode"), code);
            }
        }
    }
    if let Some(pc) = &p.postal_address_postal_code {
        if let Err(code) = normalize_postal_code(pc, country) {
            e.push(format!("{path}.postalAddressPostalCode"), code);
        }
    }
    let emails = p.emails.as_deref().unwrap_or(&[]);
    let phones = p.phone_numbers.as_deref().unwrap_or(&[]);
    if emails.is_empty() && phones.is_empty() {
        e.push(format!("{path}.emails"), ErrorCode::ContactRequired);
    }
    for (i, m) in emails.iter().enumerate() {
        if !is_valid_email(m) {
            e.push(format!("{path}.emails[{i}]"), ErrorCode::InvalidEmail);
        }
    }
    for (i, ph) in phones.iter().enumerate() {
        if !is_e164(ph) {
            e.push(format!("{path}.phoneNumbers[{i}]"), ErrorCode::InvalidPhone);
        }
    }
    if let Some(m) = &p.invoice_email_address {
        if !is_valid_email(m) {
            e.push(format!("{path}.invoiceEmailAddress"), ErrorCode::InvalidEmail);
        }
    }
}

fn check_line(e: &mut Errors, path: &str, l: &OrderLine) {
    let code_missing = blank(&l.product_spec_code);
    let no_missing = l.product_spec_no.is_none();
    let product_missing = blank(&l.product);
    match l.product_spec_type {
        ProductSpecType::Coupon | ProductSpecType::Issue => {
            if code_missing {
                e.push(format!("{path}.productSpecCode"), ErrorCode::Required);
            }
            if no_missing {
                e.push(format!("{path}.productSpecNo"), ErrorCode::Required);
            }
            if l.product_spec_type == ProductSpecType::Issue && product_missing {
                e.push(format!("{path}.product"), ErrorCode::Required);
            }
        }
        ProductSpecType::Product => {
            if product_missing {
                e.push(format!("{path}.product"), ErrorCode::Required);
            }
        }
        ProductSpecType::Article => {
            if l.article_detail.is_none() {
                e.push(format!("{path}.articleDetail"), ErrorCode::Required);
            }
        }
    }
    if l.product_spec_type == ProductSpecType::Coupon {
        if let Some(c) = &l.product_spec_code {
            if !c.trim().is_empty() && c.chars().count() > Limits::COUPON_CODE {
                e.push(format!("{path}.productSpecCode"), ErrorCode::TooLong);
            }
        }
    }
    if let Some(p) = &l.product {
        if !p.trim().is_empty() && p.chars().count() > Limits::PRODUCT {
            e.push(format!("{path}.product"), ErrorCode::TooLong);
        }
    }
    if let Some(n) = l.product_spec_no {
        if n < 0 {
            e.push(format!("{path}.productSpecNo"), ErrorCode::InvalidValue);
        }
    }
    if l.quantity < 1 {
        e.push(format!("{path}.quantity"), ErrorCode::InvalidQuantity);
    }
    if let Some(p) = l.unit_price {
        if p.minor() < 0 || !p.is_exact_on_wire() {
            e.push(format!("{path}.unitPrice"), ErrorCode::InvalidAmount);
        }
    }
    e.optional_len(&format!("{path}.voucherCode"), l.voucher_code.as_ref(), Limits::VOUCHER_CODE);
    let any_access = l.allow_access_product.is_some()
        || l.allow_access_seconds.is_some()
        || l.allow_access_category_type.is_some();
    if any_access {
        if blank(&l.allow_access_product) {
            e.push(format!("{path}.allowAccessProduct"), ErrorCode::AccessIncomplete);
        }
        match l.allow_access_seconds {
            None => e.push(format!("{path}.allowAccessSeconds"), ErrorCode::AccessIncomplete),
            Some(s) if s <= 0 => e.push(format!("{path}.allowAccessSeconds"), ErrorCode::InvalidValue),
            Some(_) => {}
        }
    }
    if let Some(a) = &l.article_detail {
        e.optional_len(&format!("{path}.articleDetail.companyCode"), a.company_code.as_ref(), Limits::COMPANY_CODE);
        e.optional_len(&format!("{path}.articleDetail.product"), a.product.as_ref(), Limits::PRODUCT);
    }
    if let Some(r) = &l.receiver {
        check_party(e, &format!("{path}.receiver"), r);
    }
}

// ---------------------------------------------------------------------------------------------
// Formats
// ---------------------------------------------------------------------------------------------

/// A GUID in the 8-4-4-4-12 hex form S4 uses (either case). A hand check is ten lines; the `uuid`
/// crate would add parsing of forms S4 never sends.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// An e-mail address as the browser's `<input type=email>` accepts it (WHATWG's "valid e-mail
/// address"), plus a dot in the domain and a ≤ 254 length: ConnectID sends mail to it, so a
/// dotless intranet host is a typo here. ASCII only, like the browser's check.
pub fn is_valid_email(s: &str) -> bool {
    if s.len() > 254 || s.trim() != s {
        return false;
    }
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    const LOCAL_EXTRA: &[u8] = b".!#$%&'*+/=?^_`{|}~-";
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local.bytes().all(|b| b.is_ascii_alphanumeric() || LOCAL_EXTRA.contains(&b));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && labels.last().is_some_and(|tld| tld.len() >= 2 && !tld.bytes().all(|b| b.is_ascii_digit()));
    local_ok && domain_ok
}

/// E.164 country calling codes and national-number lengths of the Nordic countries the widget
/// normalises local forms for.
const NORDIC: &[(&str, &str, usize, usize, bool)] = &[
    // (ISO country, calling code, min NSN digits, max NSN digits, has trunk prefix 0)
    ("NO", "47", 8, 8, false),
    ("DK", "45", 8, 8, false),
    ("SE", "46", 7, 9, true),
    ("FI", "358", 5, 12, true),
];

/// A phone number in strict E.164 (`+` and 8–15 digits, no leading zero), with the Nordic
/// countries' national-number lengths enforced (`+47` must be followed by exactly 8 digits).
pub fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    if !(8..=15).contains(&digits.len())
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || digits.starts_with('0')
    {
        return false;
    }
    for (_, cc, min, max, trunk) in NORDIC {
        if let Some(nsn) = digits.strip_prefix(cc) {
            return (*min..=*max).contains(&nsn.len()) && !(*trunk && nsn.starts_with('0'));
        }
    }
    true
}

/// Normalises what a reader types into E.164.
///
/// Accepts international forms (`+47 912 34 567`, `0047…`, `+46 (0)70…`, `+46070…`) for any
/// country, and the local forms of Norway and Denmark (8 digits) and Sweden and Finland (trunk
/// `0` + national number) when `country` is `NO`, `DK`, `SE` or `FI`. Spaces, dashes, dots and
/// parentheses are ignored.
pub fn normalize_phone(input: &str, country: &str) -> Result<String, ErrorCode> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(ErrorCode::Required);
    }
    // "(0)" is the trunk prefix written inside an international number: drop it, not just the
    // parentheses, or "+46 (0)70" would become "+46070".
    let without_trunk = trimmed.replace("(0)", "");
    let mut plus = false;
    let mut digits = String::with_capacity(16);
    for (i, ch) in without_trunk.chars().enumerate() {
        match ch {
            '+' if i == 0 => plus = true,
            '0'..='9' => digits.push(ch),
            ' ' | '-' | '.' | '(' | ')' | '/' | '\u{a0}' => {}
            _ => return Err(ErrorCode::InvalidPhone),
        }
    }
    let international = if plus {
        Some(digits.clone())
    } else {
        digits.strip_prefix("00").map(str::to_owned)
    };
    let e164 = match international {
        Some(mut intl) => {
            // Readers often keep the trunk 0 after the country code ("+46 070…").
            for (_, cc, _, _, trunk) in NORDIC {
                if *trunk {
                    if let Some(rest) = intl.strip_prefix(cc) {
                        if let Some(nsn) = rest.strip_prefix('0') {
                            intl = format!("{cc}{nsn}");
                        }
                        break;
                    }
                }
            }
            format!("+{intl}")
        }
        None => {
            let country = country.trim().to_ascii_uppercase();
            let Some((_, cc, _, _, trunk)) = NORDIC.iter().find(|(c, ..)| *c == country) else {
                return Err(ErrorCode::InvalidPhone);
            };
            let nsn = if *trunk {
                digits.strip_prefix('0').ok_or(ErrorCode::InvalidPhone)?
            } else {
                // Norwegian and Danish numbers never start with 0 (no trunk prefix).
                if digits.starts_with('0') {
                    return Err(ErrorCode::InvalidPhone);
                }
                &digits
            };
            format!("+{cc}{nsn}")
        }
    };
    if is_e164(&e164) {
        Ok(e164)
    } else {
        Err(ErrorCode::InvalidPhone)
    }
}

/// Checks a postal code for `country` and returns its wire form: NO and DK 4 digits; FI 5 digits;
/// SE 5 digits, typed with or without the customary space (`123 45`), sent without it; other or
/// unknown countries: 1–10 letters, digits, spaces or dashes, as typed (trimmed).
pub fn normalize_postal_code(input: &str, country: &str) -> Result<String, ErrorCode> {
    let s = input.trim();
    if s.is_empty() {
        return Err(ErrorCode::Required);
    }
    let digits_only = |v: &str, n: usize| v.len() == n && v.bytes().all(|b| b.is_ascii_digit());
    match country.trim().to_ascii_uppercase().as_str() {
        "NO" | "DK" => digits_only(s, 4).then(|| s.to_owned()).ok_or(ErrorCode::InvalidPostalCode),
        "FI" => digits_only(s, 5).then(|| s.to_owned()).ok_or(ErrorCode::InvalidPostalCode),
        "SE" => {
            let joined = match (s.get(..3), s.get(3..4), s.get(4..)) {
                (Some(a), Some(" "), Some(b)) => format!("{a}{b}"),
                _ => s.to_owned(),
            };
            digits_only(&joined, 5).then_some(joined).ok_or(ErrorCode::InvalidPostalCode)
        }
        _ => {
            if s.chars().count() > Limits::POSTAL_CODE {
                Err(ErrorCode::TooLong)
            } else if s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b' ' || b == b'-') {
                Ok(s.to_owned())
            } else {
                Err(ErrorCode::InvalidPostalCode)
            }
        }
    }
}

/// ISO 3166-1 alpha-2 codes (officially assigned), sorted for binary search.
const ISO_3166: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// True for an ISO 3166-1 alpha-2 code in upper case (`NO`, `SE`).
pub fn is_iso_country(code: &str) -> bool {
    ISO_3166.binary_search(&code).is_ok()
}

/// An absolute `https` URL; `http` only for a loopback host (`localhost`, `127.0.0.0/8`, `[::1]`)
/// so the demo and tests can run without certificates. Parsed with the WHATWG parser the browser
/// uses; refuses user info (`https://good@evil`), which only serves to disguise a host.
pub fn check_absolute_https(s: &str) -> Result<url::Url, ErrorCode> {
    if s.trim().is_empty() {
        return Err(ErrorCode::Required);
    }
    let u = url::Url::parse(s).map_err(|_| ErrorCode::InvalidUrl)?;
    if !u.username().is_empty() || u.password().is_some() || u.host().is_none() {
        return Err(ErrorCode::InvalidUrl);
    }
    match u.scheme() {
        "https" => Ok(u),
        "http" if is_loopback(&u) => Ok(u),
        "http" => Err(ErrorCode::InsecureUrl),
        _ => Err(ErrorCode::InvalidUrl),
    }
}

/// Whether a parsed URL's host is loopback.
pub(crate) fn is_loopback(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Domain(d)) => d == "localhost" || d.ends_with(".localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_sorted() {
        assert!(ISO_3166.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(ISO_3166.len(), 249);
    }

    #[test]
    fn phones() {
        let ok = [
            ("91234567", "NO", "+4791234567"),
            ("912 34 567", "NO", "+4791234567"),
            ("+47 912 34 567", "SE", "+4791234567"),
            ("0047 91234567", "", "+4791234567"),
            ("070-123 45 67", "SE", "+46701234567"),
            ("+46 (0)70 123 45 67", "NO", "+46701234567"),
            ("+46 070 123 45 67", "", "+46701234567"),
            ("0046701234567", "NO", "+46701234567"),
            ("08-123 456 78", "SE", "+46812345678"),
            ("20 12 34 56", "DK", "+4520123456"),
            ("040 123 4567", "FI", "+358401234567"),
            ("+358 40 1234567", "", "+358401234567"),
            ("+1 (415) 555-2671", "", "+14155552671"),
        ];
        for (input, country, want) in ok {
            assert_eq!(normalize_phone(input, country).as_deref(), Ok(want), "{input} {country}");
        }
        let bad = [
            ("", "NO", ErrorCode::Required),
            ("9123456", "NO", ErrorCode::InvalidPhone),
            ("912345678", "NO", ErrorCode::InvalidPhone),
            ("01234567", "NO", ErrorCode::InvalidPhone),
            ("701234567", "SE", ErrorCode::InvalidPhone),
            ("91234567", "DE", ErrorCode::InvalidPhone),
            ("91234567", "", ErrorCode::InvalidPhone),
            ("+47 abc", "NO", ErrorCode::InvalidPhone),
            ("+47 1234", "NO", ErrorCode::InvalidPhone),
            ("++4791234567", "NO", ErrorCode::InvalidPhone),
            ("+0123456789", "NO", ErrorCode::InvalidPhone),
        ];
        for (input, country, want) in bad {
            assert_eq!(normalize_phone(input, country), Err(want), "{input} {country}");
        }
        assert!(is_e164("+4787654321"));
        assert!(!is_e164("+478765432"));
        assert!(!is_e164("4787654321"));
        assert!(!is_e164("+460701234567"));
    }

    #[test]
    fn postal_codes() {
        assert_eq!(normalize_postal_code("0101", "NO").as_deref(), Ok("0101"));
        assert_eq!(normalize_postal_code(" 0101 ", "no").as_deref(), Ok("0101"));
        assert_eq!(normalize_postal_code("101", "NO"), Err(ErrorCode::InvalidPostalCode));
        assert_eq!(normalize_postal_code("01010", "NO"), Err(ErrorCode::InvalidPostalCode));
        assert_eq!(normalize_postal_code("2100", "DK").as_deref(), Ok("2100"));
        assert_eq!(normalize_postal_code("123 45", "SE").as_deref(), Ok("12345"));
        assert_eq!(normalize_postal_code("12345", "SE").as_deref(), Ok("12345"));
        assert_eq!(normalize_postal_code("1234 5", "SE"), Err(ErrorCode::InvalidPostalCode));
        assert_eq!(normalize_postal_code("123  45", "SE"), Err(ErrorCode::InvalidPostalCode));
        assert_eq!(normalize_postal_code("00100", "FI").as_deref(), Ok("00100"));
        assert_eq!(normalize_postal_code("001 00", "FI"), Err(ErrorCode::InvalidPostalCode));
        assert_eq!(normalize_postal_code("SW1A 1AA", "GB").as_deref(), Ok("SW1A 1AA"));
        assert_eq!(normalize_postal_code("12345678901", "DE"), Err(ErrorCode::TooLong));
        assert_eq!(normalize_postal_code("", "NO"), Err(ErrorCode::Required));
        assert_eq!(normalize_postal_code("1234;", "XX"), Err(ErrorCode::InvalidPostalCode));
    }

    #[test]
    fn emails() {
        for ok in ["kari.nordmann@gmail.com", "a+b@x.no", "o'neil@example.co.uk", "x@sub-d.example.se"] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in ["", "kari", "kari@", "@x.no", "kari@localhost", "kari@x..no", "kari@-x.no", "kari @x.no",
            "kåri@x.no", "kari@x.n", "kari@1.2", " kari@x.no", "a@b@c.no"] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn uuids() {
        assert!(is_uuid("10000000-0000-0000-0000-000000000000"));
        assert!(is_uuid("44444444-5555-6666-7777-00000000000A"));
        assert!(!is_uuid("10000000-0000-0000-0000-00000000000"));
        assert!(!is_uuid("10000000x0000-0000-0000-000000000000"));
        assert!(!is_uuid("g0000000-0000-0000-0000-000000000000"));
    }

    #[test]
    fn urls() {
        assert!(check_absolute_https("https://news.example.no/return?x=1").is_ok());
        assert!(check_absolute_https("http://127.0.0.1:8080/r").is_ok());
        assert!(check_absolute_https("http://localhost/r").is_ok());
        assert!(check_absolute_https("http://[::1]/r").is_ok());
        assert_eq!(check_absolute_https("http://news.example.no/").unwrap_err(), ErrorCode::InsecureUrl);
        assert_eq!(check_absolute_https("/relative").unwrap_err(), ErrorCode::InvalidUrl);
        assert_eq!(check_absolute_https("javascript:alert(1)").unwrap_err(), ErrorCode::InvalidUrl);
        assert_eq!(check_absolute_https("https://good.no@evil.com/").unwrap_err(), ErrorCode::InvalidUrl);
        assert_eq!(check_absolute_https("").unwrap_err(), ErrorCode::Required);
    }

    #[test]
    fn codes_serialise_as_their_stable_names() {
        for code in [ErrorCode::Required, ErrorCode::InvalidPostalCode, ErrorCode::PriceOverrideNotAllowed] {
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{}\"", code.as_str()));
        }
    }
}
