//! Field validation: every error at once, each a stable [`ErrorCode`] at a field path.
//!
//! Paths use the wire names of the payload being checked (`payer.postalCode`,
//! `orderLines[0].productSpecNo`) or, for the reader's form, the form's field names (`email`).
//! Codes are serialised snake_case and never change meaning: integrators map them to their own copy.

use serde::{Deserialize, Serialize};

use crate::i18n::MessageKey;

/// Declares [`ErrorCode`] with each variant's stable name written once: serde, [`ErrorCode::as_str`]
/// and [`ErrorCode::ALL`] all come from it.
macro_rules! error_codes {
    ($( $(#[$doc:meta])* $code:ident = $name:literal; )*) => {
        /// A stable machine-readable reason a field was refused.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum ErrorCode {
            $( $(#[$doc])* #[serde(rename = $name)] $code, )*
        }

        impl ErrorCode {
            /// Every code.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$code),*];

            /// The stable snake_case name (as serialised).
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$code => $name,)* }
            }
        }
    };
}

error_codes! {
    /// Missing or blank.
    Required = "required";
    /// Longer than the vendor's limit.
    TooLong = "too_long";
    /// Not one of the accepted values or shapes.
    InvalidValue = "invalid_value";
    /// Not an e-mail address.
    InvalidEmail = "invalid_email";
    /// Not a phone number that normalises to E.164.
    InvalidPhone = "invalid_phone";
    /// Not a postal code for the country.
    InvalidPostalCode = "invalid_postal_code";
    /// Not an ISO 3166-1 alpha-2 country code.
    InvalidCountry = "invalid_country";
    /// Not an ISO 4217 currency code.
    InvalidCurrency = "invalid_currency";
    /// Negative amount or overflow.
    InvalidAmount = "invalid_amount";
    /// Quantity below 1 or otherwise unusable.
    InvalidQuantity = "invalid_quantity";
    /// Not a GUID (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`).
    InvalidUuid = "invalid_uuid";
    /// Not an absolute http(s) URL.
    InvalidUrl = "invalid_url";
    /// `http` for a host other than loopback.
    InsecureUrl = "insecure_url";
    /// A URL outside the allowed hosts or prefixes.
    UrlNotAllowed = "url_not_allowed";
    /// A time that is missing, before 1970 or in the wrong order.
    InvalidDate = "invalid_date";
    /// Coupon code and number must come together.
    CouponIncomplete = "coupon_incomplete";
    /// `companyName` or `lastName` is required.
    NameRequired = "name_required";
    /// `emails` or `phoneNumbers` is required.
    ContactRequired = "contact_required";
    /// `allowAccessProduct` and `allowAccessSeconds` must come together.
    AccessIncomplete = "access_incomplete";
    /// `orderAmount` differs from the sum of the lines.
    AmountMismatch = "amount_mismatch";
    /// A price differs from the offer's.
    PriceMismatch = "price_mismatch";
    /// The currency differs from the offer's.
    CurrencyMismatch = "currency_mismatch";
    /// The product, coupon or template differs from the offer's.
    ProductMismatch = "product_mismatch";
    /// The marketing coupon differs from the offer's.
    CouponMismatch = "coupon_mismatch";
    /// The access grant differs from the offer's.
    AccessMismatch = "access_mismatch";
    /// The order is for another back end than the offer.
    BackendMismatch = "backend_mismatch";
    /// The method is not one the offer shows.
    MethodNotAllowed = "method_not_allowed";
    /// The method cannot carry this recurring/prepaid combination (ConnectID's payment-method table).
    MethodUnsupported = "method_unsupported";
    /// `recurring` differs from the offer.
    RecurringMismatch = "recurring_mismatch";
    /// `prepaid` differs from the offer.
    PrepaidMismatch = "prepaid_mismatch";
    /// A field that this order must not carry.
    UnexpectedField = "unexpected_field";
    /// Two fields that exclude each other are both set.
    Conflict = "conflict";
    /// A value appears twice.
    Duplicate = "duplicate";
    /// The reader did not accept the terms.
    TermsNotAccepted = "terms_not_accepted";
    /// A price override where the offer has none, or the reverse.
    PriceOverrideNotAllowed = "price_override_not_allowed";
    /// A product GUID outside the offer's template choices.
    ProductNotAllowed = "product_not_allowed";
    /// Fewer products chosen than the package allows.
    TooFewProducts = "too_few_products";
    /// More products chosen than the package allows.
    TooManyProducts = "too_many_products";
    /// None of `subscriberId`, `externalSubscriberId`, `subscriberNumber`.
    SubscriberRequired = "subscriber_required";
}

impl ErrorCode {
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
            TooFewProducts => MessageKey::ErrTooFewProducts,
            TooManyProducts => MessageKey::ErrTooManyProducts,
            // The rest are not the reader's typing: the offer changed or the payload was tampered
            // with. The reader can only reload.
            InvalidValue
            | InvalidCurrency
            | InvalidAmount
            | InvalidQuantity
            | InvalidUuid
            | InvalidUrl
            | InsecureUrl
            | UrlNotAllowed
            | InvalidDate
            | AccessIncomplete
            | AmountMismatch
            | PriceMismatch
            | CurrencyMismatch
            | ProductMismatch
            | CouponMismatch
            | AccessMismatch
            | BackendMismatch
            | RecurringMismatch
            | PrepaidMismatch
            | UnexpectedField
            | Conflict
            | Duplicate
            | PriceOverrideNotAllowed
            | ProductNotAllowed
            | SubscriberRequired => MessageKey::ErrOfferChanged,
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
        FieldError {
            path: path.into(),
            code,
        }
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
    /// `couponCode` (start subscription; coupon price).
    pub const COUPON_CODE: usize = 12;
    /// `product` (start subscription).
    pub const PRODUCT: usize = 12;
    /// `companyCode` (start subscription).
    pub const COMPANY_CODE: usize = 12;
    /// `customerReference` (start subscription).
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

/// `base.field`, a nested field's error path (`payer.postalCode`), built without `format!`
/// (see [`crate::decimal`]).
pub(crate) fn at(base: &str, field: &str) -> String {
    [base, ".", field].concat()
}

/// `base[i]`, a list item's error path (`orderLines[0]`).
pub(crate) fn item(base: &str, i: usize) -> String {
    let mut path = String::with_capacity(base.len() + 4);
    path.push_str(base);
    path.push('[');
    crate::decimal::push_decimal(&mut path, i as i64);
    path.push(']');
    path
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_fields_and_items() {
        assert_eq!(at("payer", "postalCode"), "payer.postalCode");
        assert_eq!(item("orderLines", 0), "orderLines[0]");
        assert_eq!(at(&item(&at("payer", "emails"), 12), "x"), "payer.emails[12].x");
    }

    #[test]
    fn codes_serialise_as_their_stable_names() {
        assert_eq!(ErrorCode::ALL.len(), 39);
        let mut names: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        for &code in ErrorCode::ALL {
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{}\"", code.as_str()));
            assert_eq!(
                serde_json::from_str::<ErrorCode>(&format!("\"{}\"", code.as_str())).unwrap(),
                code
            );
            assert!(
                code.as_str().bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{code:?}"
            );
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ErrorCode::ALL.len(), "names are unique");
    }
}
