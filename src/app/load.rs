//! Loading the offer: the state the outermost view shows (loading, failed, loaded) and the
//! action that loads it, from the loader's preloaded answer the first time, else the gateway.
//!
//! A plain signal set by one task, not a Leptos resource: the resource machinery (async derived
//! values, transitions) weighed more in the bundle than this whole module does.

use kasse_core::contract::OfferInfo;
use leptos::prelude::*;
use web_sys::HtmlElement;

use crate::api::{ApiFailure, Gateway};
use crate::config::WidgetConfig;
use crate::events::{emit, Detail, Event};

/// Where loading the offer stands: `None` while it loads.
pub type Loaded = Option<Result<OfferInfo, ApiFailure>>;

/// One widget's offer loading.
#[derive(Clone, Copy)]
pub struct OfferLoad {
    /// What the view shows.
    pub state: RwSignal<Loaded>,
    gateway: StoredValue<Gateway>,
    offer_id: StoredValue<String>,
    preloaded: StoredValue<Option<Box<OfferInfo>>>,
    host: StoredValue<HtmlElement, LocalStorage>,
}

impl OfferLoad {
    /// Nothing loaded yet; call [`OfferLoad::load`].
    pub fn new(config: &WidgetConfig, host: HtmlElement) -> OfferLoad {
        OfferLoad {
            state: RwSignal::new(None),
            gateway: StoredValue::new(Gateway::new(&config.gateway)),
            offer_id: StoredValue::new(config.offer.clone()),
            preloaded: StoredValue::new(config.preloaded_offer.clone()),
            host: StoredValue::new_local(host),
        }
    }

    /// Loads the offer (again, after a failure): the preloaded answer serves the first load, a
    /// retry asks the gateway. A failure is told to the page as `kasse:error`.
    pub fn load(self) {
        self.state.set(None);
        let preloaded = self.preloaded.try_update_value(Option::take).flatten();
        let gateway = self.gateway.get_value();
        let offer_id = self.offer_id.get_value();
        leptos::task::spawn_local(async move {
            let loaded = match preloaded {
                Some(info) => Ok(*info),
                None => gateway.offer(&offer_id).await,
            };
            if let Err(failure) = &loaded {
                let detail = Detail::error(failure.code(), failure.retryable()).text("offer", &offer_id);
                self.host.try_with_value(|h| emit(h, Event::Error, detail));
            }
            // The widget may be gone by now (unmounted while loading): then nobody is told.
            self.state.try_set(Some(loaded));
        });
    }
}
