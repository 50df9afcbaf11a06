//! The offer's marketing consent: its text (the vendor's, in the reader's language) beside an
//! unticked box, and the event registered once the order went through — only for a ticked box.

use leptos::prelude::*;

use super::Checkout;
use crate::events::{Detail, Event};

impl Checkout {
    /// On mount: the consent text, when the offer asks for a consent (no box without its text).
    pub(super) async fn load_consent(self) {
        if self.info.with_value(|i| i.offer.consent.is_none()) {
            return;
        }
        let gateway = self.gateway.get_value();
        if let Ok(info) = gateway.consent_text(&self.offer_id(), self.locale.tag()).await {
            self.consent_text.set(Some(info.text));
        }
    }

    /// After the receipt: registers the ticked consent (best effort: the order stands either way).
    pub(super) async fn send_consent(self, order_id: i64, token: &str, in_session: bool) {
        let gateway = self.gateway.get_value();
        if let Err(failure) = gateway.register_consent(order_id, token, in_session).await {
            self.emit(
                Event::Error,
                Detail::error(failure.code(), false).text("step", "consent"),
            );
        }
    }
}
