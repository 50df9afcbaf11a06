//! The widget's state and actions. [`Checkout`] holds the state (the offer, the form, errors,
//! where the reader is); its actions (`submit`, `retry`, `resume`, `activate`, `logout`…, in the
//! submodules) run the effects — HTTP, storage, navigation, events — and walk what kasse-core
//! decides (the order's steps, what a retry or a return means). The views in [`crate::view`]
//! render this state and call these actions; nothing here imports a view.

use std::sync::Arc;

use kasse_core::checkout::failure::{on_failure, AttemptAfter, Call, Stop, Tell};
use kasse_core::checkout::{default_country, method_choices};
use kasse_core::{Backend, CheckoutForm, FieldError, Locale, MessageKey, Money};
use leptos::prelude::*;
use web_sys::HtmlElement;

use crate::api::{ApiFailure, Gateway, OfferInfo};
use crate::config::WidgetConfig;
use crate::events::{emit, Detail, Event};
use crate::{page, storage};

#[cfg(feature = "connectid")]
mod connectid;
#[cfg(feature = "connectid")]
mod consent;
mod flow;
mod load;
#[cfg(feature = "s4")]
mod s4;
#[cfg(feature = "connectid")]
mod session;
mod split;
#[cfg(feature = "connectid")]
mod start;

pub use load::{Loaded, OfferLoad};
#[cfg(feature = "connectid")]
pub use session::Reader;
pub use split::Action;

/// Where the reader is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Filling in the form.
    Form,
    /// The order is being registered.
    Submitting,
    /// Leaving for the payment page.
    Redirecting,
    /// Completing the order and giving access.
    Completing,
    /// Done: the receipt is shown, with its facts.
    Receipt(Receipt),
}

impl Phase {
    /// The step name in `kasse:step` events.
    pub fn name(&self) -> &'static str {
        match self {
            Phase::Form => "form",
            Phase::Submitting => "submitting",
            Phase::Redirecting => "redirecting",
            Phase::Completing => "completing",
            Phase::Receipt(_) => "receipt",
        }
    }

    /// Whether the reader is filling in the form (nothing is on its way).
    pub fn is_form(&self) -> bool {
        matches!(self, Phase::Form)
    }

    /// Whether the order is done.
    pub fn is_done(&self) -> bool {
        matches!(self, Phase::Receipt(_))
    }
}

/// Which of the checkout's screens the reader sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    /// A logged-in reader who has the offer already.
    AlreadyYours,
    /// A start-subscription offer's one-click activation.
    Start,
    /// The order form.
    Form,
    /// Done.
    Receipt,
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
    #[cfg(feature = "connectid")]
    pub prepayment: StoredValue<Option<crate::config::Prepayment>>,
    /// What the reader typed.
    pub form: RwSignal<CheckoutForm>,
    /// Field errors of the last submit.
    pub errors: RwSignal<Vec<FieldError>>,
    /// Where the reader is.
    pub phase: RwSignal<Phase>,
    /// An action waits for its code (a split build's first action, when the reader did not point
    /// at or focus the form before pressing: a tap after autofill).
    pub loading: RwSignal<bool>,
    /// Failure or return message.
    pub notice: RwSignal<Option<Notice>>,
    /// The logged-in reader, when there is one.
    #[cfg(feature = "connectid")]
    pub reader: RwSignal<Option<Reader>>,
    /// The offer's marketing consent text, once loaded (no box without it).
    #[cfg(feature = "connectid")]
    pub consent_text: RwSignal<Option<String>>,
    /// False for a rehearsal (`kasse::rehearse`): no events, no session, no resume.
    live: bool,
    /// The page was told `kasse:ready` with the loader's preview of this form.
    previewed: bool,
}

/// The locale: the publisher's `data-kasse-locale`, else the page's `lang`, else the browser's.
pub fn choose_locale(config: &WidgetConfig) -> Locale {
    match config.locale.as_deref() {
        Some(locale) => Locale::negotiate(locale),
        None => Locale::negotiate(&page::locale_hint()),
    }
}

impl Checkout {
    /// Sets up a checkout for a loaded offer: restores the reader's draft, or starts one with the
    /// offer's defaults.
    pub fn new(info: Arc<OfferInfo>, config: &WidgetConfig, host: HtmlElement) -> Checkout {
        let draft = storage::load_draft(&info.offer.id);
        Checkout::with_form(info, config, host, draft)
    }

    /// A checkout starting from `draft`, or from the offer's defaults.
    fn with_form(
        info: Arc<OfferInfo>,
        config: &WidgetConfig,
        host: HtmlElement,
        draft: Option<CheckoutForm>,
    ) -> Checkout {
        let locale = choose_locale(config);
        let methods = method_choices(&info.offer);
        let mut form = draft.unwrap_or_else(|| CheckoutForm {
            country_code: default_country(&info.offer, locale).to_owned(),
            products: info.offer.s4.as_ref().map(|t| t.default_choice()).unwrap_or_default(),
            ..CheckoutForm::default()
        });
        // A method the offer no longer allows (the catalog changed) must not stay chosen.
        if !methods.iter().any(|m| m.wire == form.method) {
            form.method = methods.first().map(|m| m.wire.to_owned()).unwrap_or_default();
        }
        Checkout {
            info: StoredValue::new(info),
            host: StoredValue::new_local(host),
            gateway: StoredValue::new(Gateway::new(&config.gateway)),
            locale,
            #[cfg(feature = "connectid")]
            prepayment: StoredValue::new(config.prepayment.clone()),
            form: RwSignal::new(form),
            errors: RwSignal::new(Vec::new()),
            phase: RwSignal::new(Phase::Form),
            loading: RwSignal::new(false),
            notice: RwSignal::new(None),
            #[cfg(feature = "connectid")]
            reader: RwSignal::new(None),
            #[cfg(feature = "connectid")]
            consent_text: RwSignal::new(None),
            live: config.live,
            previewed: config.previewed,
        }
    }

    /// A checkout for a server render of its first screen ([`crate::preview`]): the offer's
    /// defaults, no draft (the server has none), inert. Natively there is no host element; a
    /// null handle stands in, and nothing reads it: the checkout is not live, and effects never
    /// run on the server.
    #[cfg(feature = "html")]
    pub(crate) fn for_preview(info: Arc<OfferInfo>, locale: Locale, gateway: &str) -> Checkout {
        let config = WidgetConfig {
            offer: info.offer.id.clone(),
            gateway: gateway.to_owned(),
            locale: Some(locale.tag().to_owned()),
            prepayment: None,
            preloaded_offer: None,
            live: false,
            previewed: false,
        };
        let host = wasm_bindgen::JsCast::unchecked_into(wasm_bindgen::JsValue::NULL);
        Checkout::with_form(info, &config, host, None)
    }

    /// The screen to show (tracked): the receipt once done, else "already yours" for a reader
    /// who has the offer, else the offer's kind of checkout.
    pub fn screen(&self) -> Screen {
        if self.phase.with(Phase::is_done) {
            return Screen::Receipt;
        }
        // Logged-in readers and start-subscription offers are ConnectID's.
        #[cfg(feature = "connectid")]
        if self.already_has_it() {
            return Screen::AlreadyYours;
        } else if self.is_start() {
            return Screen::Start;
        }
        Screen::Form
    }

    /// Whether the checkout's buttons wait (tracked): an order is under way, or the code of the
    /// action the reader pressed is still on its way.
    pub fn busy(&self) -> bool {
        self.loading.get() || !self.phase.with(Phase::is_form)
    }

    fn offer_id(&self) -> String {
        self.info.with_value(|i| i.offer.id.clone())
    }

    fn emit(&self, event: Event, detail: Detail) {
        if !self.live {
            return;
        }
        let detail = detail.text("offer", &self.offer_id());
        self.host.with_value(|host| emit(host, event, detail));
    }

    /// Moves to `phase` and tells the page.
    fn go(&self, phase: Phase) {
        let step = phase.name();
        self.phase.set(phase);
        self.emit(Event::Step, Detail::new().text("step", step));
    }

    /// The receipt's facts, once the order is done.
    pub fn receipt(&self) -> Option<Receipt> {
        self.phase.with_untracked(|phase| match phase {
            Phase::Receipt(receipt) => Some(receipt.clone()),
            _ => None,
        })
    }

    /// The form is on screen and interactive: tell the page (unless its preview did), then resume
    /// a return from payment, read the reader's session and the consent text.
    pub fn rendered(self) {
        if !self.live {
            return;
        }
        if !self.previewed {
            self.emit(Event::Ready, Detail::new().text("locale", self.locale.tag()));
        }
        if page::pending_return(&self.offer_id()).is_some() {
            self.act(Action::Resume);
        }
        #[cfg(feature = "connectid")]
        self.spawn(self.load_session_chunk());
        // The back button from the payment page may restore this page from the browser's
        // back/forward cache, as it was left: busy leaving. The attempt is stored, so the form
        // comes back, and a submit continues the same order.
        let restored = leptos::prelude::window_event_listener_untyped("pageshow", move |event| {
            let persisted = js_sys::Reflect::get(&event, &"persisted".into()).ok();
            if persisted.and_then(|p| p.as_bool()) == Some(true) {
                self.page_restored();
            }
        });
        on_cleanup(move || restored.remove());
    }

    /// The page came back from the back/forward cache while leaving for a payment page.
    fn page_restored(self) {
        if self.phase.try_with_untracked(|p| matches!(p, Phase::Redirecting)) == Some(true) {
            self.go(Phase::Form);
        }
    }

    /// Edits the form (and keeps the draft), clearing the error of the edited field.
    pub fn edit(&self, field: &'static str, apply: impl FnOnce(&mut CheckoutForm)) {
        self.form.update(apply);
        self.errors.update(|errors| errors.retain(|e| e.path != field));
        self.form
            .with_untracked(|form| storage::save_draft(&self.offer_id(), form));
    }

    fn backend(&self) -> Backend {
        self.info.with_value(|i| i.offer.backend)
    }

    /// `call` failed: the attempt, the notice, the event and the reader's session as the core
    /// says ([`on_failure`]); `detail` carries the order's id, if any, into the event.
    fn failed(&self, call: Call, failure: &ApiFailure, detail: Detail) {
        let stop = on_failure(call, failure.code(), failure.retryable());
        self.settle(stop.attempt);
        self.show(stop, Some(failure), detail);
    }

    /// Marks the attempt committed before `call` leaves, if the core says the call commits it.
    fn commit(&self, call: Call) {
        if call.commits() {
            storage::set_committed(&self.offer_id(), true);
        }
    }

    /// Does to the stored attempt what the core said.
    fn settle(&self, after: AttemptAfter) {
        match after {
            AttemptAfter::Keep => {}
            AttemptAfter::Release => storage::set_committed(&self.offer_id(), false),
            AttemptAfter::End => storage::clear_attempt(&self.offer_id()),
        }
    }

    /// Back to the form with `stop`'s notice (the failure's own text, and the vendor's price with
    /// it, when the core names none) and its event.
    fn show(&self, stop: Stop, failure: Option<&ApiFailure>, detail: Detail) {
        #[cfg(feature = "connectid")]
        if stop.session_ended {
            self.session_ended();
        }
        self.go(Phase::Form);
        let (key, price) = match (stop.message, failure) {
            (Some(key), _) => (key, None),
            (None, Some(failure @ ApiFailure::Http { price, .. })) => (failure.message_key(), *price),
            (None, Some(failure)) => (failure.message_key(), None),
            (None, None) => (MessageKey::ErrUnknown, None),
        };
        self.notice.set(Some(Notice {
            key,
            retry: stop.retry,
            price,
        }));
        let code = match stop.tell {
            Tell::Cancel => return self.emit(Event::Cancel, detail),
            Tell::Error(code) => code,
            Tell::Failure => failure.map_or("unknown", ApiFailure::code),
        };
        self.emit(Event::Error, detail.text("code", code).flag("retryable", stop.retry));
    }
}
