//! ConnectID's reader parts of the form: "Log in" for a reader who is not, their name and "Log out"
//! for one who is, "already yours" instead of the form for one who has the offer, the one-click
//! start of a start-subscription offer, and the marketing consent (ConnectID's consent API).

use kasse_core::lifecycle::StartStep;
use kasse_core::{t, MessageKey};
use leptos::either::Either;
use leptos::prelude::*;

use super::Fresh;
use crate::app::{Action, Checkout};

/// The login link, or who is logged in with a logout button; nothing where login is not offered.
pub fn reader_line(checkout: Checkout) -> impl IntoView {
    let locale = checkout.locale;
    checkout.login_available().then(|| {
        let href = checkout.login_href();
        view! {
            <p class="kasse__reader">
                {move || Fresh(match checkout.reader_name() {
                    None => Either::Left(view! {
                        <a class="kasse__login" href=href.clone()>{t(locale, MessageKey::LoginPrompt)}</a>
                    }),
                    Some(name) => Either::Right(view! {
                        <span>{t(locale, MessageKey::LoggedInAs)} " " <strong class="kasse__reader-name">{name}</strong></span>
                        " "
                        <button type="button" class="kasse__logout" on:click:capture=move |_| checkout.act(Action::Logout)>
                            {t(locale, MessageKey::Logout)}
                        </button>
                    }),
                })}
            </p>
        }
    })
}

/// Shown instead of the form to a logged-in reader who has the offer already.
pub fn already_yours(checkout: Checkout) -> impl IntoView {
    let locale = checkout.locale;
    let title = checkout.info.with_value(|i| i.offer.title.get(locale).to_owned());
    view! {
        <section class="kasse kasse__owned" role="status" aria-live="polite" tabindex="-1">
            <h2 class="kasse__title">{title}</h2>
            <p>{t(locale, MessageKey::AlreadyYours)}</p>
            {reader_line(checkout)}
        </section>
    }
}

/// What the start view offers the reader.
#[derive(Clone, Copy, PartialEq, Eq)]
enum StartAction {
    Activate,
    LogInFirst,
    Nothing,
}

/// A start-subscription offer: the offer, who is logged in, and "Activate" for a logged-in reader
/// (the login link for one who is not).
pub fn start_view(checkout: Checkout, summary: impl IntoView) -> impl IntoView {
    let locale = checkout.locale;
    let busy = move || checkout.busy();
    // The button is replaced only when what it offers changes: a reader's focus on it stays
    // while the access check answers (CheckAccess → Start).
    let action = Memo::new(move |_| match checkout.start_step() {
        StartStep::Start | StartStep::CheckAccess => StartAction::Activate,
        StartStep::LogIn => StartAction::LogInFirst,
        // Shown by the checkout instead of this view.
        StartStep::AlreadyHasAccess | StartStep::Done => StartAction::Nothing,
    });
    view! {
        <section class="kasse kasse__start" aria-labelledby="kasse-offer-title"
            on:focusin:capture=move |_| checkout.prepare() on:pointerover:capture=move |_| checkout.prepare()>
            {summary}
            {move || Fresh(checkout.notice.get().map(|notice| view! {
                <div class="kasse__notice" role="alert"><p>{t(locale, notice.key)}</p></div>
            }))}
            {reader_line(checkout)}
            {move || Fresh(match action.get() {
                StartAction::Activate => Some(Either::Left(view! {
                    <button type="button" class="kasse__submit" aria-disabled=move || busy().then_some("true") aria-busy=move || busy().then_some("true")
                        on:click:capture=move |_| checkout.act(Action::Activate)>
                        {t(locale, MessageKey::Activate)}
                    </button>
                })),
                StartAction::LogInFirst => Some(Either::Right(view! { <p class="kasse__note">{t(locale, MessageKey::LoginToActivate)}</p> })),
                StartAction::Nothing => None,
            })}
        </section>
    }
}

/// The marketing consent once its text is loaded: optional, never ticked for the reader, apart
/// from the terms.
pub fn consent_line(checkout: Checkout) -> impl IntoView {
    move || Fresh(checkout.consent_text.get().map(|text| consent_field(checkout, text)))
}

fn consent_field(checkout: Checkout, text: String) -> impl IntoView {
    view! {
        <div class="kasse__field kasse__field--check kasse__consent">
            <input
                type="checkbox"
                id="marketingConsent"
                name="marketingConsent"
                prop:checked=move || checkout.form.with(|f| f.marketing_consent)
                on:change:target:capture=move |ev| checkout.edit("marketingConsent", |f| f.marketing_consent = ev.target().checked())
            />
            <label for="marketingConsent">{text}</label>
        </div>
    }
}
