//! The widget's controller: loads the offer, turns the reader's actions into kasse-core calls and
//! gateway requests, and walks the flow the core decides (redirect to payment, or complete by API,
//! then assign user, then receipt). State lives in [`Checkout`]; the view is in [`crate::form`].

use std::sync::Arc;

use kasse_core::checkout::method_choices;
use kasse_core::{Backend, CheckoutForm, FieldError, Locale, MessageKey, Money};
use leptos::prelude::*;
use web_sys::HtmlElement;

use crate::api::{with_retries, ApiFailure, Gateway, OfferInfo};
use crate::config::{Prepayment, WidgetConfig};
use crate::events::{emit, Detail, Event};
use crate::{page, storage};

mod consent;
mod flow;
mod s4;
mod session;
mod start;

/// Where the reader is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Filling in the form.
    Form,
    /// The order is being registered.
    Submitting,
    /// Leaving for the payment page.
    Redirecting,
    /// Completing the order and giving access.
    Completing,
    /// Done: the receipt is shown.
    Receipt,
}

impl Phase {
    /// The step name in `kasse:step` events.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Form => "form",
            Phase::Submitting => "submitting",
            Phase::Redirecting => "redirecting",
            Phase::Completing => "completing",
            Phase::Receipt => "receipt",
        }
    }
}

/// A message above the form: what went wrong and whether a retry button helps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Notice {
    /// The text.
    pub key: MessageKey,
    /// Show a retry button.
    pub retry: bool,
    /// A price to show with the text (the vendor's, after `price_changed`).
    pub price: Option<Money>,
}

impl Notice {
    /// A notice with no price.
    pub fn new(key: MessageKey, retry: bool) -> Notice {
        Notice {
            key,
            retry,
            price: None,
        }
    }
}

/// The receipt's facts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// The vendor's order number (ConnectID) or id (S4).
    pub order_id: String,
    /// Whether a new account was made for the reader.
    pub new_user: bool,
}

/// Everything one mounted widget knows. All handles are `Copy`, so closures capture it freely.
#[derive(Clone, Copy)]
pub struct Checkout {
    /// The offer and its vendor facts.
    pub info: StoredValue<Arc<OfferInfo>>,
    /// The host element (events are fired on it).
    pub host: StoredValue<HtmlElement, LocalStorage>,
    /// The gateway.
    pub gateway: StoredValue<Gateway>,
    /// The reader's language.
    pub locale: Locale,
    /// Proof of an earlier payment, for prepaid offers.
    pub prepayment: StoredValue<Option<Prepayment>>,
    /// What the reader typed.
    pub form: RwSignal<CheckoutForm>,
    /// Field errors of the last submit.
    pub errors: RwSignal<Vec<FieldError>>,
    /// Where the reader is.
    pub phase: RwSignal<Phase>,
    /// Failure or return message.
    pub notice: RwSignal<Option<Notice>>,
    /// Set when done.
    pub receipt: RwSignal<Option<Receipt>>,
    /// The logged-in reader, when there is one.
    pub reader: RwSignal<Option<kasse_core::contract::ReaderProfile>>,
    /// What the access check answered for the logged-in reader; `None` until asked (and for a
    /// reader who is not logged in).
    pub has_access: RwSignal<Option<bool>>,
    /// The offer's marketing consent text, once loaded (no box without it).
    pub consent_text: RwSignal<Option<String>>,
}

/// The locale: the publisher's `data-kasse-locale`, else the page's `lang`, else the browser's.
pub fn choose_locale(config: &WidgetConfig) -> Locale {
    Locale::negotiate(config.locale.as_deref().unwrap_or(&page::locale_hint()))
}

/// A sensible country for the offer: the one of its currency, else of the reader's language.
fn default_country(info: &OfferInfo, locale: Locale) -> &'static str {
    match (info.offer.currency.code(), locale) {
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

impl Checkout {
    /// Sets up a checkout for a loaded offer: restores the reader's draft, or starts one with the
    /// offer's defaults.
    pub fn new(info: OfferInfo, config: &WidgetConfig, host: HtmlElement) -> Checkout {
        let locale = choose_locale(config);
        let methods = method_choices(&info.offer);
        let mut form = storage::load_draft(&info.offer.id).unwrap_or_else(|| CheckoutForm {
            country_code: default_country(&info, locale).to_owned(),
            products: info.offer.s4.as_ref().map(|t| t.default_choice()).unwrap_or_default(),
            ..CheckoutForm::default()
        });
        // A method the offer no longer allows (the catalog changed) must not stay chosen.
        if !methods.iter().any(|m| m.wire == form.method) {
            form.method = methods.first().map(|m| m.wire.to_owned()).unwrap_or_default();
        }
        Checkout {
            info: StoredValue::new(Arc::new(info)),
            host: StoredValue::new_local(host),
            gateway: StoredValue::new(Gateway::new(&config.gateway)),
            locale,
            prepayment: StoredValue::new(config.prepayment.clone()),
            form: RwSignal::new(form),
            errors: RwSignal::new(Vec::new()),
            phase: RwSignal::new(Phase::Form),
            notice: RwSignal::new(None),
            receipt: RwSignal::new(None),
            reader: RwSignal::new(None),
            has_access: RwSignal::new(None),
            consent_text: RwSignal::new(None),
        }
    }

    fn offer_id(&self) -> String {
        self.info.with_value(|i| i.offer.id.clone())
    }

    fn emit(&self, event: Event, detail: Detail) {
        let detail = detail.text("offer", &self.offer_id());
        self.host.with_value(|host| emit(host, event, detail));
    }

    /// Moves to `phase` and tells the page.
    fn go(&self, phase: Phase) {
        self.phase.set(phase);
        self.emit(Event::Step, Detail::new().text("step", phase.name()));
    }

    /// Edits the form (and keeps the draft), clearing the error of the edited field.
    pub fn edit(&self, field: &'static str, apply: impl FnOnce(&mut CheckoutForm)) {
        self.form.update(apply);
        self.errors.update(|errors| errors.retain(|e| e.path != field));
        self.form
            .with_untracked(|form| storage::save_draft(&self.offer_id(), form));
    }

    fn is_s4(&self) -> bool {
        self.info.with_value(|i| i.offer.backend == Backend::S4)
    }

    fn fail(&self, failure: &ApiFailure) {
        if failure.code() == "login_required" {
            self.session_ended();
        }
        let price = match failure {
            ApiFailure::Http { price, .. } => *price,
            ApiFailure::Network => None,
        };
        self.notice.set(Some(Notice {
            key: failure.message_key(),
            retry: failure.retryable(),
            price,
        }));
        self.emit(Event::Error, Detail::error(failure.code(), failure.retryable()));
    }
}

/// The whole widget: loads the offer from the gateway, then shows the checkout.
#[component]
pub fn Widget(
    /// The publisher's configuration.
    config: WidgetConfig,
    /// The host element, for events.
    host: HtmlElement,
) -> impl IntoView {
    let locale = choose_locale(&config);
    let gateway = Gateway::new(&config.gateway);
    let offer_id = config.offer.clone();
    let host = StoredValue::new_local(host);
    let config = StoredValue::new(config);
    let loaded = LocalResource::new(move || {
        let gateway = gateway.clone();
        let offer_id = offer_id.clone();
        async move { with_retries(|| gateway.offer(&offer_id)).await }
    });
    move || match loaded.get() {
        None => view! { <p class="kasse__loading" role="status">{kasse_core::t(locale, MessageKey::Loading)}</p> }
            .into_any(),
        Some(Ok(info)) => {
            let checkout = Checkout::new(info, &config.get_value(), host.get_value());
            view! { <crate::form::CheckoutView checkout=checkout/> }.into_any()
        }
        Some(Err(failure)) => {
            let offer = config.with_value(|c| c.offer.clone());
            let detail = Detail::error(failure.code(), failure.retryable()).text("offer", &offer);
            host.with_value(|h| emit(h, Event::Error, detail));
            view! {
                <div class="kasse kasse--failed" role="alert">
                    <p>{kasse_core::t(locale, MessageKey::ErrOfferLoad)} " " {kasse_core::t(locale, failure.message_key())}</p>
                    <button type="button" class="kasse__retry" on:click=move |_| loaded.refetch()>
                        {kasse_core::t(locale, MessageKey::Retry)}
                    </button>
                </div>
            }
            .into_any()
        }
    }
}
