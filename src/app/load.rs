//! Loading the offer: the state the outermost view shows (loading, failed, loaded) and the
//! action that loads it from the gateway when the loader did not pass it along.
//!
//! A plain signal set by one task, not a Leptos resource: the resource machinery (async derived
//! values, transitions) weighed more in the bundle than this whole module does.

use std::sync::Arc;

use kasse_core::contract::OfferInfo;
use kasse_core::Backend;
use leptos::prelude::*;
use web_sys::HtmlElement;

use crate::api::{ApiFailure, Gateway};
use crate::config::WidgetConfig;
use crate::events::{emit, Detail, Event};

/// Where loading the offer stands: `None` while it loads.
pub type Loaded = Option<Result<Arc<OfferInfo>, ApiFailure>>;

/// One widget's offer loading.
#[derive(Clone, Copy)]
pub struct OfferLoad {
    /// What the view shows.
    pub state: RwSignal<Loaded>,
    gateway: StoredValue<Gateway>,
    offer_id: StoredValue<String>,
    host: StoredValue<HtmlElement, LocalStorage>,
}

impl OfferLoad {
    /// Loaded already when the loader passed the offer (`preloaded`): then the first render is
    /// the checkout, with no loading screen before it. Otherwise call [`OfferLoad::load`].
    pub fn new(config: &WidgetConfig, preloaded: Option<Box<OfferInfo>>, host: HtmlElement) -> OfferLoad {
        OfferLoad {
            state: RwSignal::new(preloaded.map(|info| in_bundle(Arc::from(info)))),
            gateway: StoredValue::new(Gateway::new(&config.gateway)),
            offer_id: StoredValue::new(config.offer.clone()),
            host: StoredValue::new_local(host),
        }
    }

    /// Whether the offer is still to be loaded.
    pub fn is_pending(&self) -> bool {
        self.state.with_untracked(Option::is_none)
    }

    /// Loads the offer from the gateway (again, after a failure). A failure is told to the page
    /// as `kasse:error`.
    pub fn load(self) {
        self.state.set(None);
        let gateway = self.gateway.get_value();
        let offer_id = self.offer_id.get_value();
        leptos::task::spawn_local(async move {
            let loaded = gateway
                .offer(&offer_id)
                .await
                .and_then(|info| in_bundle(Arc::new(info)));
            if let Err(failure) = &loaded {
                let detail = Detail::error(failure.code(), failure.retryable()).text("offer", &offer_id);
                self.host.try_with_value(|h| emit(h, Event::Error, detail));
            }
            // The widget may be gone by now (unmounted while loading): then nobody is told.
            self.state.try_set(Some(loaded));
        });
    }
}

/// The offer, if this bundle carries its back end's checkout. The loader fetches the bundle of the
/// offer's back end, so another means a page that loaded a bundle itself, or a catalog changed
/// under a cached loader: the reader is told the service is misconfigured, never shown a form
/// that cannot be sent.
fn in_bundle(info: Arc<OfferInfo>) -> Result<Arc<OfferInfo>, ApiFailure> {
    let carried = match info.offer.backend {
        Backend::ConnectId => cfg!(feature = "connectid"),
        Backend::S4 => cfg!(feature = "s4"),
    };
    if carried {
        Ok(info)
    } else {
        Err(ApiFailure::not_in_bundle())
    }
}
