//! The reader's fields: one generic text field for every text input (labels, autocomplete, the
//! country's example, the error), the country choice, the terms and the marketing consent.

use kasse_core::{t, CheckoutForm, MessageKey};
use leptos::prelude::*;

use super::Fresh;
use crate::app::Checkout;

/// One labelled text input of the form.
#[derive(Clone, Copy)]
pub struct FieldSpec {
    /// Element id inside the shadow root; also the core's error path for the field.
    pub id: &'static str,
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
        id: "firstName",
        label: MessageKey::FirstName,
        input_type: "text",
        autocomplete: "given-name",
        inputmode: "text",
        get: |f| &f.first_name,
        set: |f, v| f.first_name = v,
        example: None,
    },
    FieldSpec {
        id: "lastName",
        label: MessageKey::LastName,
        input_type: "text",
        autocomplete: "family-name",
        inputmode: "text",
        get: |f| &f.last_name,
        set: |f, v| f.last_name = v,
        example: None,
    },
    FieldSpec {
        id: "email",
        label: MessageKey::Email,
        input_type: "email",
        autocomplete: "email",
        inputmode: "email",
        get: |f| &f.email,
        set: |f, v| f.email = v,
        example: None,
    },
    FieldSpec {
        id: "phone",
        label: MessageKey::Phone,
        input_type: "tel",
        autocomplete: "tel",
        inputmode: "tel",
        get: |f| &f.phone,
        set: |f, v| f.phone = v,
        example: Some(kasse_core::field::phone_example),
    },
    FieldSpec {
        id: "street",
        label: MessageKey::Street,
        input_type: "text",
        autocomplete: "street-address",
        inputmode: "text",
        get: |f| &f.street,
        set: |f, v| f.street = v,
        example: None,
    },
    FieldSpec {
        id: "postalCode",
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
    id: "postalPlace",
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
pub(super) fn invalid(
    checkout: Checkout,
    field: &'static str,
) -> impl Fn() -> Option<&'static str> + Copy + Send + Sync {
    move || error_text(checkout, field).map(|_| "true")
}

/// `aria-describedby` of a field described only by its error: the error line, while it shows one.
pub(super) fn described_by_error(
    checkout: Checkout,
    field: &'static str,
) -> impl Fn() -> Option<String> + Copy + Send + Sync {
    move || error_text(checkout, field).map(|_| format!("{field}-error"))
}

/// The error line of `field` (`{field}-error`), empty while the field is fine.
pub(super) fn error_line(checkout: Checkout, field: &'static str) -> impl IntoView {
    view! { <p class="kasse__error" id=format!("{field}-error")>{move || Fresh(error_text(checkout, field))}</p> }
}

/// The first field after the country choice.
pub(super) const COUNTRY_BEFORE: &str = "phone";

pub(super) fn text_field(checkout: Checkout, spec: FieldSpec) -> impl IntoView {
    let locale = checkout.locale;
    let error_id = format!("{}-error", spec.id);
    let example_id = format!("{}-example", spec.id);
    let has_error = move || error_text(checkout, spec.id).is_some();
    let example = move || {
        let of_country = spec.example?;
        checkout.form.with(|f| of_country(&f.country_code))
    };
    // The example, then the error (when there is one), read after the label.
    let described = {
        let example_id = example_id.clone();
        move || {
            let ids: Vec<&str> = [
                example().is_some().then_some(example_id.as_str()),
                has_error().then_some(error_id.as_str()),
            ]
            .into_iter()
            .flatten()
            .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="kasse__field">
            <label for=spec.id>{t(locale, spec.label)}</label>
            <input
                id=spec.id
                name=spec.id
                type=spec.input_type
                autocomplete=spec.autocomplete
                inputmode=spec.inputmode
                prop:value=move || checkout.form.with(|f| (spec.get)(f).to_owned())
                on:input:target=move |ev| checkout.edit(spec.id, |f| (spec.set)(f, ev.target().value()))
                aria-invalid=invalid(checkout, spec.id)
                aria-describedby=described
            />
            {move || Fresh(example().map(|text| view! {
                <p class="kasse__example" id=example_id.clone()>{t(locale, MessageKey::ForExample)} " " {text}</p>
            }))}
            {error_line(checkout, spec.id)}
        </div>
    }
}

pub(super) fn country_field(checkout: Checkout) -> impl IntoView {
    let locale = checkout.locale;
    let column = kasse_core::Locale::ALL.iter().position(|l| *l == locale).unwrap_or(0);
    view! {
        <div class="kasse__field">
            <label for="countryCode">{t(locale, MessageKey::Country)}</label>
            <select
                id="countryCode"
                name="countryCode"
                autocomplete="country"
                on:change:target=move |ev| checkout.edit("countryCode", |f| f.country_code = ev.target().value())
                aria-invalid=invalid(checkout, "countryCode")
                aria-describedby=described_by_error(checkout, "countryCode")
            >
                {COUNTRIES
                    .iter()
                    .map(|(code, names)| {
                        let selected = move || checkout.form.with(|f| (f.country_code == *code).then_some(""));
                        view! { <option value=*code selected=selected>{names[column]}</option> }
                    })
                    .collect_view()}
            </select>
            {error_line(checkout, "countryCode")}
        </div>
    }
}

pub(super) fn terms_field(checkout: Checkout) -> impl IntoView {
    let locale = checkout.locale;
    view! {
        <div class="kasse__field kasse__field--check">
            <input
                type="checkbox"
                id="acceptTerms"
                name="acceptTerms"
                prop:checked=move || checkout.form.with(|f| f.accept_terms)
                on:change:target=move |ev| checkout.edit("acceptTerms", |f| f.accept_terms = ev.target().checked())
                aria-invalid=invalid(checkout, "acceptTerms")
                aria-describedby=described_by_error(checkout, "acceptTerms")
            />
            <label for="acceptTerms">{t(locale, MessageKey::AcceptTerms)}</label>
            {error_line(checkout, "acceptTerms")}
        </div>
    }
}

/// The marketing consent: optional, never ticked for the reader, apart from the terms.
pub(super) fn consent_field(checkout: Checkout, text: String) -> impl IntoView {
    view! {
        <div class="kasse__field kasse__field--check kasse__consent">
            <input
                type="checkbox"
                id="marketingConsent"
                name="marketingConsent"
                prop:checked=move || checkout.form.with(|f| f.marketing_consent)
                on:change:target=move |ev| checkout.edit("marketingConsent", |f| f.marketing_consent = ev.target().checked())
            />
            <label for="marketingConsent">{text}</label>
        </div>
    }
}
