//! The reader's fields: one generic text field for every text input (labels, autocomplete, the
//! country's example, the error), the country choice, the terms and the marketing consent.

use kasse_core::{t, CheckoutForm, MessageKey};
use leptos::prelude::*;

use super::Fresh;
use crate::app::Checkout;

/// A field's element id and the ids of the lines that describe it, all `&'static str` (made by
/// [`field_ids!`]): the reactive `aria-describedby` is then of the same type as the other
/// attributes, and Leptos's render effect is in the wasm once less.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldIds {
    /// The field's own id; also the core's error path for it.
    pub field: &'static str,
    /// Its error line.
    pub error: &'static str,
    /// Its example line.
    pub example: &'static str,
    /// `aria-describedby` while both lines show.
    pub example_and_error: &'static str,
}

/// The [`FieldIds`] of the field with id `$id`.
macro_rules! field_ids {
    ($id:literal) => {
        FieldIds {
            field: $id,
            error: concat!($id, "-error"),
            example: concat!($id, "-example"),
            example_and_error: concat!($id, "-example ", $id, "-error"),
        }
    };
}

/// The country choice's ids.
const COUNTRY: FieldIds = field_ids!("countryCode");
/// The terms box's ids.
const TERMS: FieldIds = field_ids!("acceptTerms");
/// The payment method group's ids.
pub(super) const METHOD: FieldIds = field_ids!("method");
/// An S4 package's product group's ids.
#[cfg(feature = "s4")]
pub(super) const PRODUCTS: FieldIds = field_ids!("products");

/// One labelled text input of the form.
#[derive(Clone, Copy)]
pub struct FieldSpec {
    /// The field's element ids; its own is also the core's error path for it.
    pub ids: FieldIds,
    /// The label's message.
    pub label: MessageKey,
    /// `type`, so keyboards and browser checks fit the content.
    pub input_type: &'static str,
    /// `autocomplete` token, so browsers and password managers fill the field.
    pub autocomplete: &'static str,
    /// `inputmode`, for the right on-screen keyboard.
    pub inputmode: &'static str,
    /// Reads the field from the form.
    pub get: fn(&CheckoutForm) -> &str,
    /// Writes the field.
    pub set: fn(&mut CheckoutForm, String),
    /// How a reader in the chosen country writes it, shown beside the field.
    pub example: Option<fn(&str) -> Option<&'static str>>,
}

/// The reader's text fields in order; `street` and `postalPlace` only when the offer delivers.
/// The country is asked between e-mail and phone ([`COUNTRY_BEFORE`]): it governs how the phone
/// number and the postal code are written, so the reader chooses it before typing them.
pub const FIELDS: [FieldSpec; 6] = [
    FieldSpec {
        ids: field_ids!("firstName"),
        label: MessageKey::FirstName,
        input_type: "text",
        autocomplete: "given-name",
        inputmode: "text",
        get: |f| &f.first_name,
        set: |f, v| f.first_name = v,
        example: None,
    },
    FieldSpec {
        ids: field_ids!("lastName"),
        label: MessageKey::LastName,
        input_type: "text",
        autocomplete: "family-name",
        inputmode: "text",
        get: |f| &f.last_name,
        set: |f, v| f.last_name = v,
        example: None,
    },
    FieldSpec {
        ids: field_ids!("email"),
        label: MessageKey::Email,
        input_type: "email",
        autocomplete: "email",
        inputmode: "email",
        get: |f| &f.email,
        set: |f, v| f.email = v,
        example: None,
    },
    FieldSpec {
        ids: field_ids!("phone"),
        label: MessageKey::Phone,
        input_type: "tel",
        autocomplete: "tel",
        inputmode: "tel",
        get: |f| &f.phone,
        set: |f, v| f.phone = v,
        example: Some(kasse_core::field::phone_example),
    },
    FieldSpec {
        ids: field_ids!("street"),
        label: MessageKey::Street,
        input_type: "text",
        autocomplete: "street-address",
        inputmode: "text",
        get: |f| &f.street,
        set: |f, v| f.street = v,
        example: None,
    },
    FieldSpec {
        ids: field_ids!("postalCode"),
        label: MessageKey::PostalCode,
        input_type: "text",
        autocomplete: "postal-code",
        inputmode: "numeric",
        get: |f| &f.postal_code,
        set: |f, v| f.postal_code = v,
        example: Some(kasse_core::field::postal_code_example),
    },
];

/// Postal place follows the postal code when the offer needs an address.
pub(super) const POSTAL_PLACE: FieldSpec = FieldSpec {
    ids: field_ids!("postalPlace"),
    label: MessageKey::PostalPlace,
    input_type: "text",
    autocomplete: "address-level2",
    inputmode: "text",
    get: |f| &f.postal_place,
    set: |f, v| f.postal_place = v,
    example: None,
};

/// Countries the Nordic vendors deliver to, with their names in each locale (columns in the
/// order of [`kasse_core::Locale::ALL`]).
const COUNTRIES: [(&str, [&str; 5]); 4] = [
    ("NO", ["Norge", "Norge", "Norge", "Norja", "Norway"]),
    ("SE", ["Sverige", "Sverige", "Sverige", "Ruotsi", "Sweden"]),
    ("DK", ["Danmark", "Danmark", "Danmark", "Tanska", "Denmark"]),
    ("FI", ["Finland", "Finland", "Finland", "Suomi", "Finland"]),
];

fn error_text(checkout: Checkout, field: &'static str) -> Option<&'static str> {
    checkout.errors.with(|errors| {
        errors
            .iter()
            .find(|e| e.path == field)
            .map(|e| t(checkout.locale, e.code.message_key()))
    })
}

/// `aria-invalid` of `field`: `"true"` while the last submit found it wrong. One closure type
/// for every field, so the attribute's code is in the wasm once.
pub(super) fn invalid(checkout: Checkout, ids: FieldIds) -> impl Fn() -> Option<&'static str> + Copy + Send + Sync {
    move || error_text(checkout, ids.field).map(|_| "true")
}

/// `aria-describedby` of a field described only by its error: the error line, while it shows one.
pub(super) fn described_by_error(
    checkout: Checkout,
    ids: FieldIds,
) -> impl Fn() -> Option<&'static str> + Copy + Send + Sync {
    move || error_text(checkout, ids.field).map(|_| ids.error)
}

/// The error line of a field, empty while the field is fine.
pub(super) fn error_line(checkout: Checkout, ids: FieldIds) -> impl IntoView {
    view! { <p class="kasse__error" id=ids.error>{move || Fresh(error_text(checkout, ids.field))}</p> }
}

/// The first field after the country choice.
pub(super) const COUNTRY_BEFORE: &str = "phone";

pub(super) fn text_field(checkout: Checkout, spec: FieldSpec) -> impl IntoView {
    let locale = checkout.locale;
    let ids = spec.ids;
    let example = move || {
        let of_country = spec.example?;
        checkout.form.with(|f| of_country(&f.country_code))
    };
    // The example, then the error (when there is one), read after the label.
    let described = move || match (example().is_some(), error_text(checkout, ids.field).is_some()) {
        (true, true) => Some(ids.example_and_error),
        (true, false) => Some(ids.example),
        (false, true) => Some(ids.error),
        (false, false) => None,
    };
    view! {
        <div class="kasse__field">
            <label for=ids.field>{t(locale, spec.label)}</label>
            <input
                id=ids.field
                name=ids.field
                type=spec.input_type
                autocomplete=spec.autocomplete
                inputmode=spec.inputmode
                prop:value=move || checkout.form.with(|f| (spec.get)(f).to_owned())
                on:input:target:capture=move |ev| checkout.edit(ids.field, |f| (spec.set)(f, ev.target().value()))
                aria-invalid=invalid(checkout, ids)
                aria-describedby=described
            />
            {move || Fresh(example().map(|text| view! {
                <p class="kasse__example" id=ids.example>{t(locale, MessageKey::ForExample)} " " {text}</p>
            }))}
            {error_line(checkout, ids)}
        </div>
    }
}

pub(super) fn country_field(checkout: Checkout) -> impl IntoView {
    let locale = checkout.locale;
    let column = kasse_core::Locale::ALL.iter().position(|l| *l == locale).unwrap_or(0);
    view! {
        <div class="kasse__field">
            <label for=COUNTRY.field>{t(locale, MessageKey::Country)}</label>
            <select
                id=COUNTRY.field
                name=COUNTRY.field
                autocomplete="country"
                on:change:target:capture=move |ev| checkout.edit(COUNTRY.field, |f| f.country_code = ev.target().value())
                aria-invalid=invalid(checkout, COUNTRY)
                aria-describedby=described_by_error(checkout, COUNTRY)
            >
                {COUNTRIES
                    .iter()
                    .map(|(code, names)| {
                        let selected = move || checkout.form.with(|f| (f.country_code == *code).then_some(""));
                        view! { <option value=*code selected=selected>{names[column]}</option> }
                    })
                    .collect_view()}
            </select>
            {error_line(checkout, COUNTRY)}
        </div>
    }
}

pub(super) fn terms_field(checkout: Checkout) -> impl IntoView {
    let locale = checkout.locale;
    view! {
        <div class="kasse__field kasse__field--check">
            <input
                type="checkbox"
                id=TERMS.field
                name=TERMS.field
                prop:checked=move || checkout.form.with(|f| f.accept_terms)
                on:change:target:capture=move |ev| checkout.edit(TERMS.field, |f| f.accept_terms = ev.target().checked())
                aria-invalid=invalid(checkout, TERMS)
                aria-describedby=described_by_error(checkout, TERMS)
            />
            <label for=TERMS.field>{t(locale, MessageKey::AcceptTerms)}</label>
            {error_line(checkout, TERMS)}
        </div>
    }
}
