//! The widget's controller: loads the offer, turns the reader's actions into kasse-core calls and
//! gateway requests, and walks the flow the core decides (redirect to payment, or complete by API,
//! then assign user, then receipt). State lives in [`Checkout`]; the view is in [`crate::form`].

use std::sync::Arc;

use kasse_core::connectid::{AssignUserRequest, PaymentInfoPayEx};
use kasse_core::connectid::{self, FulfillmentStatus, Step};
use kasse_core::{build_client_order, CheckoutForm, FieldError, Locale, MessageKey, PaymentMethod};
use leptos::prelude::*;
use serde_json::json;
use web_sys::HtmlElement;

use crate::api::{with_retries, ApiFailure, Gateway, OfferInfo};
use crate::config::WidgetConfig;
use crate::events::{emit, Event};
use crate::{page, storage};

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
}

/// The receipt's facts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// The vendor's order number.
    pub order_id: i64,
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
    pub prepayment: StoredValue<Option<PaymentInfoPayEx>>,
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
        _ => "NO",
    }
}

impl Checkout {
    /// Sets up a checkout for a loaded offer: restores the reader's draft, or starts one with the
    /// offer's defaults.
    pub fn new(info: OfferInfo, config: &WidgetConfig, host: HtmlElement) -> Checkout {
        let locale = choose_locale(config);
        let methods = kasse_core::PaymentMethod::for_offer(&info.offer);
        let form = storage::load_draft(&info.offer.id).unwrap_or_else(|| CheckoutForm {
            country_code: default_country(&info, locale).to_owned(),
            ..CheckoutForm::default()
        });
        let mut form = form;
        // A method the offer no longer allows (the catalog changed) must not stay chosen.
        let chosen_ok = PaymentMethod::from_wire(&form.method).is_some_and(|m| methods.contains(&m));
        if !chosen_ok {
            form.method = methods.first().map(|m| m.wire_name().to_owned()).unwrap_or_default();
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
        }
    }

    fn offer_id(&self) -> String {
        self.info.with_value(|i| i.offer.id.clone())
    }

    fn emit(&self, event: Event, mut detail: serde_json::Value) {
        detail["offer"] = json!(self.offer_id());
        self.host.with_value(|host| emit(host, event, detail));
    }

    /// Moves to `phase` and tells the page.
    fn go(&self, phase: Phase) {
        self.phase.set(phase);
        self.emit(Event::Step, json!({ "step": phase.name() }));
    }

    /// Edits the form (and keeps the draft), clearing the error of the edited field.
    pub fn edit(&self, field: &'static str, apply: impl FnOnce(&mut CheckoutForm)) {
        self.form.update(apply);
        self.errors.update(|errors| errors.retain(|e| e.path != field));
        self.form.with_untracked(|form| storage::save_draft(&self.offer_id(), form));
    }

    fn fail(&self, failure: &ApiFailure) {
        self.notice.set(Some(Notice { key: failure.message_key(), retry: failure.retryable() }));
        self.emit(Event::Error, json!({ "code": failure.code(), "retryable": failure.retryable() }));
    }

    /// Submit: validate and build the payload with the core, register the order (retried with
    /// the same key), then walk the core's steps.
    pub async fn submit(self) {
        if self.phase.get_untracked() != Phase::Form {
            return; // a double click while in flight does nothing
        }
        self.notice.set(None);
        let offer_id = self.offer_id();
        let form = self.form.get_untracked();
        // The same form retried is the same attempt (same key, same body), also after the order
        // exists (the reader came back from the payment page with the back button): the gateway
        // then replays the first answer and the reader continues with the same order instead of
        // a second one. A changed form is a new attempt; a finished one (paid, cancelled, failed)
        // was cleared when the reader came back.
        let attempt = match storage::load_attempt(&offer_id) {
            Some(previous) if previous.form == form => previous,
            _ => storage::Attempt {
                external_order_id: page::random_id(),
                order_date: page::now_ms(),
                form: form.clone(),
                order_id: None,
                credential: None,
            },
        };
        let info = self.info.get_value();
        let mut order = match build_client_order(&info.offer, &form, &attempt.external_order_id, attempt.order_date) {
            Ok(order) => order,
            Err(errors) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
                self.emit(Event::Error, json!({ "code": "validation", "retryable": false, "fields": fields }));
                self.notice.set(Some(Notice { key: MessageKey::FixErrors, retry: false }));
                self.errors.set(errors);
                return;
            }
        };
        self.errors.set(Vec::new());
        if info.offer.prepaid {
            // A prepaid order carries the payment taken before (ConnectID's order flows 2a/2b).
            let Some(prepayment) = self.prepayment.get_value() else {
                self.notice.set(Some(Notice { key: MessageKey::ErrServiceConfig, retry: false }));
                self.emit(Event::Error, json!({ "code": "prepayment_missing", "retryable": false }));
                return;
            };
            order.payment_info_pay_ex = Some(prepayment);
        }
        let credential = order
            .payer
            .emails
            .as_ref()
            .and_then(|m| m.first().cloned())
            .or_else(|| order.payer.phone_numbers.as_ref().and_then(|p| p.first().cloned()));
        let mut attempt = storage::Attempt { credential, ..attempt };
        storage::save_attempt(&offer_id, &attempt);
        self.go(Phase::Submitting);

        let gateway = self.gateway.get_value();
        let created = with_retries(|| gateway.create_order(&offer_id, &order)).await;
        let created = match created {
            Ok(created) => created,
            Err(failure) => {
                if !failure.retryable() {
                    // A final refusal: the next submit is a new attempt.
                    storage::clear_attempt(&offer_id);
                }
                self.go(Phase::Form);
                self.fail(&failure);
                return;
            }
        };
        attempt.order_id = Some(created.order_id);
        storage::save_attempt(&offer_id, &attempt);
        let (flow, steps) = connectid::plan(&info.offer, order.payment_method, false);
        self.emit(
            Event::OrderCreated,
            json!({ "orderId": created.order_id, "method": order.payment_method.wire_name(), "flow": flow.name() }),
        );
        self.run_steps(created.order_id, &steps, attempt.credential.clone()).await;
    }

    /// Walks `steps` for `order_id`; stops at a redirect (the page is left) or a failure.
    async fn run_steps(self, order_id: i64, steps: &[Step], credential: Option<String>) {
        let offer_id = self.offer_id();
        let gateway = self.gateway.get_value();
        let mut new_user = false;
        for step in steps {
            match step {
                Step::RedirectToFulfillment => {
                    let info = self.info.get_value();
                    let Some(connect_id) = &info.connect_id else {
                        self.go(Phase::Form);
                        self.notice.set(Some(Notice { key: MessageKey::ErrServiceConfig, retry: false }));
                        self.emit(Event::Error, json!({ "code": "no_fulfillment_url", "retryable": false }));
                        return;
                    };
                    let host = page::host();
                    let url = connectid::fulfillment_url(
                        &connect_id.fulfillment_url,
                        &connect_id.client_id,
                        order_id,
                        &page::return_url(&offer_id),
                        &page::error_url(&offer_id),
                        &[host.as_str()],
                    );
                    match url {
                        Ok(url) => {
                            self.go(Phase::Redirecting);
                            let target = url::Url::parse(&url).ok().and_then(|u| u.host_str().map(str::to_owned));
                            self.emit(Event::Redirect, json!({ "orderId": order_id, "host": target }));
                            page::navigate(&url);
                        }
                        Err(_) => {
                            self.go(Phase::Form);
                            self.notice.set(Some(Notice { key: MessageKey::ErrServiceConfig, retry: false }));
                            self.emit(Event::Error, json!({ "code": "fulfillment_url_refused", "retryable": false }));
                        }
                    }
                    return;
                }
                Step::CompleteByApi => {
                    self.go(Phase::Completing);
                    if let Err(failure) = with_retries(|| gateway.complete(order_id)).await {
                        self.go(Phase::Form);
                        self.fail(&failure);
                        return;
                    }
                }
                Step::AssignUser => {
                    self.go(Phase::Completing);
                    let Some(credential) = credential.clone() else { continue };
                    let request = AssignUserRequest {
                        credential,
                        is_send_message: None,
                        return_url: None,
                        error_url: None,
                        link_lifetime: None,
                        override_client_id: None,
                    };
                    match with_retries(|| gateway.assign_user(order_id, &request)).await {
                        Ok(answer) => new_user = answer["isNewUser"].as_bool().unwrap_or(false),
                        Err(failure) => {
                            // Paid but not yet linked: keep the attempt so "retry" resumes here.
                            self.go(Phase::Form);
                            self.fail(&failure);
                            return;
                        }
                    }
                }
            }
        }
        storage::clear_all(&offer_id);
        self.receipt.set(Some(Receipt { order_id, new_user }));
        self.go(Phase::Receipt);
        self.emit(Event::Completed, json!({ "orderId": order_id }));
    }

    /// The core's steps for `method` that come after the payment page (an order that exists and is
    /// paid, or paid for by API, needs only these).
    fn steps_after_payment(&self, method: &str) -> Vec<Step> {
        let info = self.info.get_value();
        let method = PaymentMethod::from_wire(method).unwrap_or(PaymentMethod::CreditcardPayex);
        let (_, steps) = connectid::plan(&info.offer, method, false);
        steps.into_iter().filter(|s| *s != Step::RedirectToFulfillment).collect()
    }

    /// The retry button: resumes a paid-but-unfinished order, or submits again.
    pub async fn retry(self) {
        let offer_id = self.offer_id();
        if let Some(storage::Attempt { order_id: Some(order_id), credential, form, .. }) = storage::load_attempt(&offer_id) {
            if self.notice.get_untracked().is_some_and(|n| n.key != MessageKey::PaymentFailed) && form == self.form.get_untracked() {
                self.notice.set(None);
                let after_payment = self.steps_after_payment(&form.method);
                return self.run_steps(order_id, &after_payment, credential).await;
            }
            storage::clear_attempt(&offer_id);
        }
        self.submit().await;
    }

    /// On mount: if the reader is back from the payment page for this offer, resume.
    pub async fn resume(self) {
        let offer_id = self.offer_id();
        let Some(query) = page::pending_return(&offer_id) else { return };
        page::forget_return();
        let status = connectid::parse_fulfillment_return(&query);
        let attempt = storage::load_attempt(&offer_id);
        let Some(order_id) = attempt.as_ref().and_then(|a| a.order_id) else {
            if status != FulfillmentStatus::Cancel {
                self.notice.set(Some(Notice { key: MessageKey::PaymentUnknown, retry: false }));
            }
            return;
        };
        match status {
            FulfillmentStatus::Success => {
                let attempt = attempt.expect("checked above");
                let after_payment = self.steps_after_payment(&attempt.form.method);
                self.run_steps(order_id, &after_payment, attempt.credential).await;
            }
            other => {
                // The order stopped at the vendor: the next submit is a new order, with the
                // reader's data still in the form.
                storage::clear_attempt(&offer_id);
                let key = other.message_key().unwrap_or(MessageKey::PaymentUnknown);
                self.notice.set(Some(Notice { key, retry: other != FulfillmentStatus::Cancel }));
                if other == FulfillmentStatus::Cancel {
                    self.emit(Event::Cancel, json!({ "orderId": order_id }));
                } else {
                    self.emit(Event::Error, json!({ "code": format!("payment_{}", match other {
                        FulfillmentStatus::Error => "error",
                        _ => "unknown",
                    }), "orderId": order_id, "retryable": true }));
                }
            }
        }
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
        None => view! { <p class="kasse__loading" role="status">{kasse_core::t(locale, MessageKey::Loading)}</p> }.into_any(),
        Some(Ok(info)) if info.offer.backend != kasse_core::Backend::ConnectId => {
            // The S4 back end is served by the gateway (`/kasse/v1/s4/orders`) but this widget
            // version has no S4 form yet: say so instead of showing a form that cannot work.
            web_sys::console::error_1(&format!("Kasse: offer {} uses the S4 back end, which this widget version cannot sell yet", info.offer.id).into());
            host.with_value(|h| emit(h, Event::Error, json!({ "offer": info.offer.id, "code": "backend_unsupported", "retryable": false })));
            view! { <p class="kasse kasse--failed" role="alert">{kasse_core::t(locale, MessageKey::ErrServiceConfig)}</p> }.into_any()
        }
        Some(Ok(info)) => {
            let checkout = Checkout::new(info, &config.get_value(), host.get_value());
            view! { <crate::form::CheckoutView checkout=checkout/> }.into_any()
        }
        Some(Err(failure)) => {
            host.with_value(|h| emit(h, Event::Error, json!({ "offer": config.with_value(|c| c.offer.clone()), "code": failure.code(), "retryable": failure.retryable() })));
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
