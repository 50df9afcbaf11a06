//! The checkout's view: offer summary, the reader's fields, payment methods, terms, submit,
//! messages and receipt. It renders [`Checkout`] state and sends the reader's actions to it.

use kasse_core::i18n::period_text;
use kasse_core::{format_price, t, CheckoutForm, MessageKey};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::{Checkout, Phase};
use crate::events::{emit, Detail, Event};

mod choices;
mod reader;

use choices::{methods_field, products_field};
use reader::{already_yours, reader_line, start_view};

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
const POSTAL_PLACE: FieldSpec = FieldSpec {
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

pub(crate) fn error_text(checkout: Checkout, field: &'static str) -> Option<&'static str> {
    checkout.errors.with(|errors| {
        errors
            .iter()
            .find(|e| e.path == field)
            .map(|e| t(checkout.locale, e.code.message_key()))
    })
}

/// The first field after the country choice.
const COUNTRY_BEFORE: &str = "phone";

fn text_field(checkout: Checkout, spec: FieldSpec) -> impl IntoView {
    let locale = checkout.locale;
    let error_id = format!("{}-error", spec.id);
    let example_id = format!("{}-example", spec.id);
    let invalid = move || error_text(checkout, spec.id).is_some();
    let example = move || {
        let of_country = spec.example?;
        checkout.form.with(|f| of_country(&f.country_code))
    };
    // The example, then the error (when there is one), read after the label.
    let described = {
        let (error_id, example_id) = (error_id.clone(), example_id.clone());
        move || {
            let ids: Vec<&str> = [
                example().is_some().then_some(example_id.as_str()),
                invalid().then_some(error_id.as_str()),
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
                aria-invalid=move || invalid().then_some("true")
                aria-describedby=described
            />
            {move || example().map(|text| view! {
                <p class="kasse__example" id=example_id.clone()>{t(locale, MessageKey::ForExample)} " " {text}</p>
            })}
            <p class="kasse__error" id=error_id>{move || error_text(checkout, spec.id)}</p>
        </div>
    }
}

fn country_field(checkout: Checkout) -> impl IntoView {
    let locale = checkout.locale;
    let column = kasse_core::Locale::ALL.iter().position(|l| *l == locale).unwrap_or(0);
    let invalid = move || error_text(checkout, "countryCode").is_some();
    view! {
        <div class="kasse__field">
            <label for="countryCode">{t(locale, MessageKey::Country)}</label>
            <select
                id="countryCode"
                name="countryCode"
                autocomplete="country"
                on:change:target=move |ev| checkout.edit("countryCode", |f| f.country_code = ev.target().value())
                aria-invalid=move || invalid().then_some("true")
                aria-describedby=move || invalid().then_some("countryCode-error")
            >
                {COUNTRIES
                    .iter()
                    .map(|(code, names)| {
                        let selected = move || checkout.form.with(|f| f.country_code == *code);
                        view! { <option value=*code selected=selected>{names[column]}</option> }
                    })
                    .collect_view()}
            </select>
            <p class="kasse__error" id="countryCode-error">{move || error_text(checkout, "countryCode")}</p>
        </div>
    }
}

fn terms_field(checkout: Checkout) -> impl IntoView {
    let locale = checkout.locale;
    let invalid = move || error_text(checkout, "acceptTerms").is_some();
    view! {
        <div class="kasse__field kasse__field--check">
            <input
                type="checkbox"
                id="acceptTerms"
                name="acceptTerms"
                prop:checked=move || checkout.form.with(|f| f.accept_terms)
                on:change:target=move |ev| checkout.edit("acceptTerms", |f| f.accept_terms = ev.target().checked())
                aria-invalid=move || invalid().then_some("true")
                aria-describedby=move || invalid().then_some("acceptTerms-error")
            />
            <label for="acceptTerms">{t(locale, MessageKey::AcceptTerms)}</label>
            <p class="kasse__error" id="acceptTerms-error">{move || error_text(checkout, "acceptTerms")}</p>
        </div>
    }
}

/// The marketing consent: optional, never ticked for the reader, apart from the terms.
fn consent_field(checkout: Checkout, text: String) -> impl IntoView {
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

fn summary(checkout: Checkout) -> impl IntoView {
    let locale = checkout.locale;
    let offer = checkout.info.with_value(|i| i.offer.clone());
    // An S4 package's price follows the reader's ticks, priced by the core as the gateway checks it.
    let price = {
        let offer = offer.clone();
        move || {
            let amount = checkout
                .form
                .with(|f| kasse_core::offer::package_price(&offer, &f.products));
            format_price(amount.0, &offer.currency, locale)
        }
    };
    let period = period_text(&offer.period, offer.recurring, locale);
    let paid = offer.start_subscription.is_none();
    let note = if offer.prepaid {
        MessageKey::PrepaidNote
    } else if offer.recurring {
        MessageKey::RenewsNote
    } else {
        MessageKey::NoRenewalNote
    };
    view! {
        <section class="kasse__summary" aria-labelledby="kasse-offer-title">
            <h2 class="kasse__title" id="kasse-offer-title">{offer.title.get(locale).to_owned()}</h2>
            // A started subscription costs nothing here: no price, no renewal note.
            {paid.then(|| view! { <p class="kasse__price" aria-live="polite"><strong>{price}</strong> " " {period}</p> })}
            {offer.description.as_ref().map(|d| view! { <p class="kasse__description">{d.get(locale).to_owned()}</p> })}
            {paid.then(|| view! { <p class="kasse__note">{t(locale, note)}</p> })}
        </section>
    }
}

/// Moves focus to the first invalid field, so keyboard and screen-reader users land on the problem.
fn focus_first_invalid(checkout: Checkout) {
    request_animation_frame(move || {
        // A frame later the widget may be gone (unmounted): then there is nothing to focus.
        let root = checkout.host.try_with_value(|h| h.shadow_root()).flatten();
        let first = root.and_then(|r| r.query_selector("[aria-invalid=\"true\"]").ok().flatten());
        if let Some(element) = first.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            element.focus().ok();
        }
    });
}

/// The checkout for a loaded offer.
#[component]
pub fn CheckoutView(
    /// The widget's state.
    checkout: Checkout,
) -> impl IntoView {
    let locale = checkout.locale;
    Effect::new(move |_| {
        if !checkout.errors.with(Vec::is_empty) {
            focus_first_invalid(checkout);
        }
    });
    // Once, after the first render: the form is interactive; then resume a return from payment.
    Effect::new(move |_| {
        checkout.host.with_value(|h| {
            emit(
                h,
                Event::Ready,
                Detail::new()
                    .text("offer", &checkout.info.with_value(|i| i.offer.id.clone()))
                    .text("locale", locale.tag()),
            )
        });
        leptos::task::spawn_local(checkout.resume());
        leptos::task::spawn_local(checkout.load_session());
        leptos::task::spawn_local(checkout.load_consent());
    });

    move || {
        match checkout.receipt.get() {
        None if checkout.already_has_it() => untrack(|| already_yours(checkout)).into_any(),
        None if checkout.is_start() => untrack(|| start_view(checkout, summary(checkout))).into_any(),
        // Built untracked: the form's own closures track what they show.
        None => untrack(|| form_view(checkout)).into_any(),
        Some(receipt) => view! {
            <section class="kasse kasse__receipt" role="status" aria-live="polite" tabindex="-1">
                <h2 class="kasse__title">{t(locale, MessageKey::ReceiptTitle)}</h2>
                <p>{t(locale, MessageKey::ReceiptBody)}</p>
                {(!receipt.order_id.is_empty()).then(|| view! {
                    <p>{t(locale, MessageKey::OrderNumber)} ": " <strong class="kasse__order-id">{receipt.order_id.clone()}</strong></p>
                })}
                {receipt.new_user.then(|| view! { <p>{t(locale, MessageKey::AccessCreated)}</p> })}
            </section>
        }
        .into_any(),
    }
    }
}

fn form_view(checkout: Checkout) -> impl IntoView {
    let locale = checkout.locale;
    let requires_address = checkout.info.with_value(|i| i.offer.requires_address);
    let busy = move || checkout.phase.get() != Phase::Form;
    let methods = checkout
        .info
        .with_value(|i| kasse_core::checkout::method_choices(&i.offer));
    let submit_label = move || {
        let leaves = checkout
            .form
            .with(|f| methods.iter().any(|m| m.wire == f.method && m.leaves_page));
        t(
            locale,
            if leaves {
                MessageKey::SubmitAndPay
            } else {
                MessageKey::Submit
            },
        )
    };
    let status = move || match checkout.phase.get() {
        Phase::Submitting => t(locale, MessageKey::Processing),
        Phase::Redirecting => t(locale, MessageKey::Redirecting),
        Phase::Completing => t(locale, MessageKey::Completing),
        Phase::Form | Phase::Receipt => "",
    };
    let shown = |spec: &&FieldSpec| requires_address || spec.id != "street";
    let split = FIELDS
        .iter()
        .position(|spec| spec.id == COUNTRY_BEFORE)
        .unwrap_or(FIELDS.len());
    let (before, after) = FIELDS.split_at(split);
    let fields_before = before
        .iter()
        .filter(shown)
        .map(|spec| text_field(checkout, *spec))
        .collect_view();
    let fields_after = after
        .iter()
        .filter(shown)
        .map(|spec| text_field(checkout, *spec))
        .collect_view();
    view! {
        <form
            class="kasse"
            novalidate=true
            aria-labelledby="kasse-offer-title"
            data-offer=checkout.info.with_value(|i| i.offer.id.clone())
            on:submit=move |ev| {
                ev.prevent_default();
                leptos::task::spawn_local(checkout.submit());
            }
        >
            {summary(checkout)}
            {reader_line(checkout)}
            {move || checkout.notice.get().map(|notice| view! {
                <div class="kasse__notice" role="alert">
                    <p>{t(locale, notice.key)}</p>
                    {notice.price.map(|price| {
                        let currency = checkout.info.with_value(|i| i.offer.currency.clone());
                        view! { <p class="kasse__new-price"><strong>{format_price(price.0, &currency, locale)}</strong></p> }
                    })}
                    {notice.retry.then(|| view! {
                        <button type="button" class="kasse__retry" on:click=move |_| leptos::task::spawn_local(checkout.retry())>
                            {t(locale, MessageKey::Retry)}
                        </button>
                    })}
                </div>
            })}
            {products_field(checkout)}
            {fields_before}
            {country_field(checkout)}
            {fields_after}
            {requires_address.then(|| text_field(checkout, POSTAL_PLACE))}
            {methods_field(checkout)}
            {terms_field(checkout)}
            {move || checkout.consent_text.get().map(|text| consent_field(checkout, text))}
            <button type="submit" class="kasse__submit" disabled=busy aria-busy=move || busy().then_some("true")>
                {submit_label}
            </button>
            <p class="kasse__status" role="status" aria-live="polite">{status}</p>
        </form>
    }
}
