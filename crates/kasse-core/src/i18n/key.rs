//! The message keys: every reader-facing text of Kasse, by a stable snake_case name.

use serde::{Deserialize, Serialize};

macro_rules! keys {
    ($( $(#[$doc:meta])* $key:ident $name:literal; )*) => {
        /// Every reader-facing text of Kasse. Serialised as its stable snake_case name.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum MessageKey {
            $( $(#[$doc])* #[serde(rename = $name)] $key, )*
        }

        impl MessageKey {
            /// Every key.
            pub const ALL: &'static [MessageKey] = &[$(MessageKey::$key),*];

            /// Every key's stable name, a NUL after each, in declaration order: one string
            /// instead of a `match`'s table of pointers and its string comparisons.
            const NAMES: &'static str = concat!($($name, "\0"),*);

            /// The stable name (`"err_required"`).
            pub fn as_str(self) -> &'static str {
                Self::NAMES.split('\0').nth(self as usize).unwrap_or_default()
            }

            /// Looks a key up by its stable name.
            pub fn from_name(name: &str) -> Option<MessageKey> {
                let at = Self::NAMES.split('\0').position(|known| known == name)?;
                Self::ALL.get(at).copied()
            }
        }
    };
}

keys! {
    /// Field label.
    FirstName "first_name";
    /// Field label.
    LastName "last_name";
    /// Field label.
    Email "email";
    /// Field label.
    Phone "phone";
    /// Field label.
    Street "street";
    /// Field label.
    PostalCode "postal_code";
    /// Field label.
    PostalPlace "postal_place";
    /// Field label.
    Country "country";
    /// Field group label.
    PaymentMethod "payment_method";
    /// Checkbox label.
    AcceptTerms "accept_terms";
    /// Submit button.
    Submit "submit";
    /// Submit button for a method that leaves for a payment page.
    SubmitAndPay "submit_and_pay";
    /// Busy state.
    Processing "processing";
    /// Loading the offer.
    Loading "loading";
    /// Button.
    Retry "retry";
    /// Button.
    Cancel "cancel";
    /// Note on recurring offers.
    RenewsNote "renews_note";
    /// Note on non-recurring offers.
    NoRenewalNote "no_renewal_note";
    /// Note on prepaid offers.
    PrepaidNote "prepaid_note";
    /// Shown when the form has errors.
    FixErrors "fix_errors";
    /// Legend of an S4 package's product choices.
    ChooseProducts "choose_products";
    /// Shown with the vendor's new price when it is not the one the reader saw.
    PriceChanged "price_changed";
    // Payment methods (ConnectID)
    /// Method name.
    MethodInvoice "method_invoice";
    /// Method name.
    MethodSms "method_sms";
    /// Method name.
    MethodSmsPay "method_sms_pay";
    /// Method name.
    MethodVippsRecurring "method_vipps_recurring";
    /// Method name.
    MethodKco "method_kco";
    /// Method name.
    MethodCreditcardPayex "method_creditcard_payex";
    /// Method name.
    MethodSwishPayex "method_swish_payex";
    /// Method name.
    MethodVippsEcommerce "method_vipps_ecommerce";
    /// Method name.
    MethodNexi "method_nexi";
    /// Method name.
    MethodOther "method_other";
    // Payment methods (S4)
    /// Method name.
    MethodS4Invoice "method_s4_invoice";
    /// Method name.
    MethodS4Vipps "method_s4_vipps";
    /// Method name.
    MethodS4MobilePay "method_s4_mobile_pay";
    /// Method name.
    MethodS4SwedbankPay "method_s4_swedbank_pay";
    /// Method name (any bank-registered S4 method).
    MethodS4Bank "method_s4_bank";
    // Field errors
    /// `required`.
    ErrRequired "err_required";
    /// `too_long`.
    ErrTooLong "err_too_long";
    /// `invalid_email`.
    ErrInvalidEmail "err_invalid_email";
    /// `invalid_phone`.
    ErrInvalidPhone "err_invalid_phone";
    /// `invalid_postal_code`.
    ErrInvalidPostalCode "err_invalid_postal_code";
    /// `invalid_country`.
    ErrInvalidCountry "err_invalid_country";
    /// `coupon_incomplete`.
    ErrCouponIncomplete "err_coupon_incomplete";
    /// `name_required`.
    ErrNameRequired "err_name_required";
    /// `contact_required`.
    ErrContactRequired "err_contact_required";
    /// `terms_not_accepted`.
    ErrTermsNotAccepted "err_terms_not_accepted";
    /// `too_few_products`.
    ErrTooFewProducts "err_too_few_products";
    /// `too_many_products`.
    ErrTooManyProducts "err_too_many_products";
    /// `method_not_allowed`, `method_unsupported`.
    ErrMethodNotAvailable "err_method_not_available";
    /// Tampering or a changed offer.
    ErrOfferChanged "err_offer_changed";
    // Vendor and network errors
    /// 429.
    ErrTryAgainLater "err_try_again_later";
    /// 5xx.
    ErrVendorUnavailable "err_vendor_unavailable";
    /// 400 from the vendor.
    ErrOrderRejected "err_order_rejected";
    /// 401/403.
    ErrServiceConfig "err_service_config";
    /// 404.
    ErrNotFound "err_not_found";
    /// Anything else.
    ErrUnknown "err_unknown";
    /// No connection.
    ErrNetwork "err_network";
    /// The offer could not be loaded.
    ErrOfferLoad "err_offer_load";
    /// The checkout's code could not be loaded under the gateway's preview (the loader shows it;
    /// a `preview!` text, empty in the widget).
    ErrCheckoutLoad "err_checkout_load";
    // After the order
    /// Redirecting to payment.
    Redirecting "redirecting";
    /// Completing by API.
    Completing "completing";
    /// Receipt heading.
    ReceiptTitle "receipt_title";
    /// Receipt body.
    ReceiptBody "receipt_body";
    /// Receipt: order number label.
    OrderNumber "order_number";
    /// Receipt when a new account was created.
    AccessCreated "access_created";
    /// Return with `cancel`.
    PaymentCancelled "payment_cancelled";
    /// Return with `error`.
    PaymentFailed "payment_failed";
    /// Return with anything else.
    PaymentUnknown "payment_unknown";
    /// Paid, but the vendor refused to give the reader access (assign user).
    ErrAccessNotGiven "err_access_not_given";
    // Logged-in readers
    /// Offered to a reader who is not logged in.
    LoginPrompt "login_prompt";
    /// Before the logged-in reader's name.
    LoggedInAs "logged_in_as";
    /// Button.
    Logout "logout";
    /// Shown instead of the form to a reader who has the offer.
    AlreadyYours "already_yours";
    /// Back from a login that did not succeed.
    LoginFailed "login_failed";
    /// The session ended while ordering.
    ErrLoginRequired "err_login_required";
    /// Button of a start-subscription offer.
    Activate "activate";
    /// A start-subscription offer for a reader who is not logged in.
    LoginToActivate "login_to_activate";
    /// Before an example of how a field is written ("For example 0150").
    ForExample "for_example";
}
