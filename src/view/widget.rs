//! The widget's outermost view: the offer loading, its failure with a retry, then the checkout.

use kasse_core::MessageKey;
use leptos::either::EitherOf3;
use leptos::prelude::*;
use web_sys::HtmlElement;

use super::Fresh;
use crate::app::{choose_locale, Checkout, OfferLoad};
use crate::config::WidgetConfig;

/// The whole widget: loads the offer from the gateway, then shows the checkout.
#[component]
pub fn Widget(
    /// The publisher's configuration.
    mut config: WidgetConfig,
    /// The host element, for events.
    host: HtmlElement,
) -> impl IntoView {
    let locale = choose_locale(&config);
    let preloaded = config.preloaded_offer.take();
    let load = OfferLoad::new(&config, preloaded, host.clone());
    if load.is_pending() {
        load.load();
    }
    let host = StoredValue::new_local(host);
    let config = StoredValue::new(config);
    move || {
        Fresh(match load.state.get() {
            None => EitherOf3::A(
                view! { <p class="kasse__loading" role="status">{kasse_core::t(locale, MessageKey::Loading)}</p> },
            ),
            Some(Ok(info)) => {
                // Read in place: a copy of the configuration would link its `Clone` (with the
                // offer's, for `preloaded_offer`), about 1.8 KB of wasm for a value used once.
                let checkout = config.with_value(|config| Checkout::new(info, config, host.get_value()));
                EitherOf3::B(view! { <super::CheckoutView checkout=checkout/> })
            }
            Some(Err(failure)) => EitherOf3::C(view! {
                <div class="kasse kasse--failed" role="alert">
                    <p>{kasse_core::t(locale, MessageKey::ErrOfferLoad)} " " {kasse_core::t(locale, failure.message_key())}</p>
                    <button type="button" class="kasse__retry" on:click:capture=move |_| load.load()>
                        {kasse_core::t(locale, MessageKey::Retry)}
                    </button>
                </div>
            }),
        })
    }
}
