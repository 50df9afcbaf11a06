//! The widget's outermost view: the offer loading, its failure with a retry, then the checkout.

use kasse_core::MessageKey;
use leptos::prelude::*;
use web_sys::HtmlElement;

use crate::api::{with_retries, Gateway};
use crate::app::{choose_locale, Checkout};
use crate::config::WidgetConfig;
use crate::events::{emit, Detail, Event};

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
    // The offer the loader fetched alongside the bundle serves the first load; a retry asks again.
    let preloaded = StoredValue::new(config.preloaded_offer.clone());
    let host = StoredValue::new_local(host);
    let config = StoredValue::new(config);
    let loaded = LocalResource::new(move || {
        let gateway = gateway.clone();
        let offer_id = offer_id.clone();
        let preloaded = preloaded.try_update_value(Option::take).flatten();
        async move {
            match preloaded {
                Some(info) => Ok(*info),
                None => with_retries(|| gateway.offer(&offer_id)).await,
            }
        }
    });
    move || match loaded.get() {
        None => view! { <p class="kasse__loading" role="status">{kasse_core::t(locale, MessageKey::Loading)}</p> }
            .into_any(),
        Some(Ok(info)) => {
            let checkout = Checkout::new(info, &config.get_value(), host.get_value());
            view! { <super::CheckoutView checkout=checkout/> }.into_any()
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
