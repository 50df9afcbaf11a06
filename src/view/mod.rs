//! The checkout's view: offer summary, the reader's fields, payment methods, terms, submit,
//! messages and receipt. It renders [`Checkout`] state and sends the reader's actions to it.
//!
//! Every listener is `:capture`. Each sits on the element the event targets, where capture and
//! bubble listeners both run, so nothing changes for the reader; but tachys's bubbling `attach`
//! carries its event-delegation path (a global `HashSet` of event names) even with delegation
//! off, and that path is only linked while one bubbling listener remains: -1.9 KB brotli.

use kasse_core::i18n::period_text;
use kasse_core::{format_price, t, MessageKey};
use leptos::either::EitherOf4;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::{Action, Checkout, Phase, Screen};

mod choices;
mod fields;
mod fresh;
#[cfg(feature = "s4")]
mod products;
#[cfg(feature = "connectid")]
mod reader;
mod widget;

use choices::methods_field;
use fields::{country_field, terms_field, text_field, COUNTRY_BEFORE, POSTAL_PLACE};
pub use fields::{FieldSpec, FIELDS};
use fresh::Fresh;
use products::products_field;
use reader::{already_yours, consent_line, reader_line, start_view};

// A bundle built without a back end shows nothing in that back end's places: the loader fetches
// the bundle of the offer's back end, and the widget refuses an offer of one it lacks.
#[cfg(not(feature = "s4"))]
mod products {
    use leptos::prelude::IntoView;
    pub fn products_field(_checkout: crate::app::Checkout) -> impl IntoView {}
}
#[cfg(not(feature = "connectid"))]
mod reader {
    use crate::app::Checkout;
    use leptos::prelude::IntoView;
    pub fn reader_line(_checkout: Checkout) -> impl IntoView {}
    pub fn already_yours(_checkout: Checkout) -> impl IntoView {}
    pub fn start_view(_checkout: Checkout, _summary: impl IntoView) -> impl IntoView {}
    pub fn consent_line(_checkout: Checkout) -> impl IntoView {}
}
pub use widget::Widget;

fn summary(checkout: Checkout) -> impl IntoView {
    let locale = checkout.locale;
    let info = checkout.info.get_value();
    let offer = &info.offer;
    // An S4 package's price follows the reader's ticks, priced by the core as the gateway checks it.
    let price = move || {
        checkout.info.with_value(|info| {
            let amount = checkout
                .form
                .with(|f| kasse_core::offer::package_price(&info.offer, &f.products));
            format_price(amount.0, &info.offer.currency, locale)
        })
    };
    let period = period_text(&offer.period, offer.recurring, locale);
    let paid = offer.start_subscription.is_none();
    // Announced only where it changes (an S4 package's ticks): its text is rendered again on every
    // edit of the form, which a live region could read out on each key.
    let live = offer.s4.is_some().then_some("polite");
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
            {paid.then(|| view! { <p class="kasse__price" aria-live=live><strong>{move || Fresh(price())}</strong> " " {period}</p> })}
            {offer.description.as_ref().map(|d| view! { <p class="kasse__description">{d.get(locale).to_owned()}</p> })}
            {paid.then(|| view! { <p class="kasse__note">{t(locale, note)}</p> })}
        </section>
    }
}

/// Moves focus, a frame later (once rendered), to the first element of the widget `selector`
/// matches: the first invalid field, so keyboard and screen-reader users land on the problem; or
/// the new screen, when the one the reader was on is gone.
fn focus_first(checkout: Checkout, selector: &'static str) {
    request_animation_frame(move || {
        // A frame later the widget may be gone (unmounted): then there is nothing to focus.
        let root = checkout.host.try_with_value(|h| h.shadow_root()).flatten();
        let first = root.and_then(|r| r.query_selector(selector).ok().flatten());
        if let Some(element) = first.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            element.focus().ok();
        }
    });
}

/// Scrolls the notice into view, a frame later (once rendered), as little as it takes.
fn show_notice(checkout: Checkout) {
    request_animation_frame(move || {
        let root = checkout.host.try_with_value(|h| h.shadow_root()).flatten();
        if let Some(notice) = root.and_then(|r| r.query_selector(".kasse__notice").ok().flatten()) {
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Nearest);
            notice.scroll_into_view_with_scroll_into_view_options(&options);
        }
    });
}

/// Whether focus is inside the widget (its shadow root has an active element). A busy button is
/// `aria-disabled`, not `disabled`, so a press keeps focus on it: Chromium moves the focus of a
/// button that becomes disabled to the page's body.
fn has_focus(checkout: Checkout) -> bool {
    checkout
        .host
        .with_value(|h| h.shadow_root().and_then(|r| r.active_element()))
        .is_some()
}

/// The checkout for a loaded offer.
#[component]
pub fn CheckoutView(
    /// The widget's state.
    checkout: Checkout,
) -> impl IntoView {
    // On each refused submit (its notice is set again each time), not on each change of the
    // errors: an edit clears its field's error, and focus must stay where the reader types. Any
    // other notice after a press (the reader's focus is in the widget) is brought into view: it
    // sits above the fields, far from the button on a phone; focus stays on what was pressed.
    Effect::new(move |_| match checkout.notice.with(|n| n.map(|n| n.key)) {
        Some(MessageKey::FixErrors) => focus_first(checkout, "[aria-invalid=\"true\"]"),
        Some(_) if untrack(|| has_focus(checkout)) => show_notice(checkout),
        _ => {}
    });
    // Once, after the first render: the form is interactive.
    Effect::new(move |_| checkout.rendered());

    // Runs again only when the screen changes; each screen's own closures track what they show.
    let screen = Memo::new(move |_| checkout.screen());
    // The first screen is rendered where the page's focus is (and, in the gateway's preview, with
    // no page at all): only a change of screen moves focus.
    let changed = std::cell::Cell::new(false);
    move || {
        let screen = screen.get();
        // The screen the reader was on goes, with the element focused in it (a press of submit or
        // "Activate"): focus follows to the new screen's section, else it would fall to the page.
        // Focus the reader gave to the page, outside the widget, stays there.
        if changed.replace(true) && untrack(|| has_focus(checkout)) {
            focus_first(checkout, "section[tabindex=\"-1\"]");
        }
        Fresh(untrack(|| match screen {
            Screen::AlreadyYours => EitherOf4::A(already_yours(checkout)),
            Screen::Start => EitherOf4::B(start_view(checkout, summary(checkout))),
            Screen::Form => EitherOf4::C(form_view(checkout)),
            Screen::Receipt => EitherOf4::D(receipt_view(checkout)),
        }))
    }
}

/// The receipt: shown once the order is done (its facts are set before the screen changes).
fn receipt_view(checkout: Checkout) -> impl IntoView {
    let locale = checkout.locale;
    checkout.receipt().map(|receipt| {
        view! {
            <section class="kasse kasse__receipt" role="status" aria-live="polite" tabindex="-1">
                <h2 class="kasse__title">{t(locale, MessageKey::ReceiptTitle)}</h2>
                <p>{t(locale, MessageKey::ReceiptBody)}</p>
                {(!receipt.order_id.is_empty()).then(|| view! {
                    <p>{t(locale, MessageKey::OrderNumber)} ": " <strong class="kasse__order-id">{receipt.order_id.clone()}</strong></p>
                })}
                {receipt.new_user.then(|| view! { <p>{t(locale, MessageKey::AccessCreated)}</p> })}
            </section>
        }
    })
}

fn form_view(checkout: Checkout) -> impl IntoView {
    let locale = checkout.locale;
    let requires_address = checkout.info.with_value(|i| i.offer.requires_address);
    let busy = move || checkout.busy();
    // Leptos instantiates its render effect once per value type, about 1 KB of wasm each, so
    // changing texts are `Fresh` and changing attributes `Option<&'static str>` where they can be.
    let status = move || {
        let waiting = checkout.loading.get();
        let key = checkout.phase.with(|phase| match phase {
            Phase::Form if waiting => Some(MessageKey::Processing),
            Phase::Submitting => Some(MessageKey::Processing),
            Phase::Redirecting => Some(MessageKey::Redirecting),
            Phase::Completing => Some(MessageKey::Completing),
            Phase::Form | Phase::Receipt(_) => None,
        })?;
        Some(t(locale, key))
    };
    let label = submit_label(checkout);
    // The country comes before the fields it governs (postal code, phone), so its hints are right
    // before the reader types.
    let split = FIELDS
        .iter()
        .position(|spec| spec.ids.field == COUNTRY_BEFORE)
        .unwrap_or(FIELDS.len());
    let (before, after) = FIELDS.split_at(split);
    view! {
        <form
            class="kasse"
            novalidate=true
            aria-labelledby="kasse-offer-title"
            data-offer=checkout.info.with_value(|i| i.offer.id.clone())
            on:focusin:capture=move |_| checkout.prepare()
            on:pointerover:capture=move |_| checkout.prepare()
            on:submit:capture=move |ev| {
                ev.prevent_default();
                checkout.act(Action::Submit);
            }
        >
            {summary(checkout)}
            {reader_line(checkout)}
            {notice_view(checkout)}
            {products_field(checkout)}
            {text_fields(checkout, before, requires_address)}
            {country_field(checkout)}
            {text_fields(checkout, after, requires_address)}
            {requires_address.then(|| text_field(checkout, POSTAL_PLACE))}
            {methods_field(checkout)}
            {terms_field(checkout)}
            {consent_line(checkout)}
            <button type="submit" id="kasse-submit" class="kasse__submit" aria-disabled=move || busy().then_some("true") aria-busy=move || busy().then_some("true")>
                {move || Fresh(label())}
            </button>
            <p class="kasse__status" role="status" aria-live="polite">{move || Fresh(status())}</p>
        </form>
    }
}

/// The text fields of `specs` the offer asks for (the street only when it delivers paper).
fn text_fields(checkout: Checkout, specs: &[FieldSpec], requires_address: bool) -> impl IntoView {
    specs
        .iter()
        .filter(|spec| requires_address || spec.ids.field != "street")
        .map(|spec| text_field(checkout, *spec))
        .collect_view()
}

/// The submit button's text: it says so when the chosen method leaves for a payment page. Always
/// `Some`: the type of the other changing texts, so they share one `Fresh` instance.
fn submit_label(checkout: Checkout) -> impl Fn() -> Option<&'static str> {
    let methods = checkout
        .info
        .with_value(|i| kasse_core::checkout::method_choices(&i.offer));
    move || {
        let leaves = checkout
            .form
            .with(|f| methods.iter().any(|m| m.wire == f.method && m.leaves_page));
        let key = if leaves {
            MessageKey::SubmitAndPay
        } else {
            MessageKey::Submit
        };
        Some(t(checkout.locale, key))
    }
}

/// What went wrong (or how a return from payment ended), with the new price after a price change
/// and a retry button when retrying helps.
fn notice_view(checkout: Checkout) -> impl IntoView {
    let locale = checkout.locale;
    move || {
        Fresh(checkout.notice.get().map(|notice| {
            view! {
                <div class="kasse__notice" role="alert">
                    <p>{t(locale, notice.key)}</p>
                    {notice.price.map(|price| {
                        let currency = checkout.info.with_value(|i| i.offer.currency.clone());
                        view! { <p class="kasse__new-price"><strong>{format_price(price.0, &currency, locale)}</strong></p> }
                    })}
                    {notice.retry.then(|| view! {
                        <button type="button" class="kasse__retry" on:click:capture=move |_| checkout.act(Action::Retry)>
                            {t(locale, MessageKey::Retry)}
                        </button>
                    })}
                </div>
            }
        }))
    }
}
