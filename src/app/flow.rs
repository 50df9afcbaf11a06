//! The checkout's actions that every back end has: submit, the retry button and the return from
//! a payment page. Each hands over to its back end's flow; the core decides what a retry means.

use kasse_core::checkout::attempt::{on_retry, OrderRef, Retry};
use kasse_core::Backend;
use leptos::prelude::*;

use super::{Checkout, Phase};
use crate::{page, storage};

impl Checkout {
    /// Submit: the offer's back end validates, builds and sends the order.
    pub(super) async fn submit(self) {
        if !self.phase.with_untracked(Phase::is_form) {
            return; // a double click while in flight does nothing
        }
        // An order that may be paid is finished, never replaced by a new one.
        if let Some(order) = storage::load_attempt(&self.offer_id()).and_then(|a| a.committed_order()) {
            return self.continue_order(order).await;
        }
        match self.backend() {
            #[cfg(feature = "connectid")]
            Backend::ConnectId => self.submit_connectid().await,
            #[cfg(feature = "s4")]
            Backend::S4 => self.submit_s4().await,
            #[allow(unreachable_patterns)]
            _ => {} // not in this bundle: the checkout is never shown for it
        }
    }

    /// The retry button: what the core decides from the stored attempt, the message on screen
    /// and the form (continue the order that exists, or submit again).
    pub(super) async fn retry(self) {
        let offer_id = self.offer_id();
        let stored = storage::load_attempt(&offer_id);
        let shown = self.notice.get_untracked().map(|n| n.key);
        let decision = on_retry(stored.as_ref(), shown, &self.form.get_untracked());
        self.notice.set(None);
        match decision {
            Retry::Continue(order) => self.continue_order(order).await,
            Retry::SubmitAgain { forget } => {
                if forget {
                    storage::clear_attempt(&offer_id);
                }
                self.submit().await
            }
        }
    }

    /// Continues `order`, the stored attempt's: ConnectID's steps after payment, or S4's completion.
    async fn continue_order(self, order: OrderRef) {
        match order {
            #[cfg(feature = "s4")]
            OrderRef::S4 { id, token } => self.complete_s4(id, token).await,
            #[cfg(feature = "connectid")]
            OrderRef::ConnectId { order_id, token } => {
                let stored = storage::load_attempt(&self.offer_id());
                self.continue_connectid(order_id, token, stored).await
            }
            #[allow(unreachable_patterns)]
            _ => {} // an order of a back end this bundle does not carry
        }
    }

    /// On mount: if the reader is back from the payment page for this offer, resume.
    pub(super) async fn resume(self) {
        let Some(query) = page::pending_return(&self.offer_id()) else {
            return;
        };
        page::forget_return();
        match self.backend() {
            #[cfg(feature = "connectid")]
            Backend::ConnectId => self.resume_connectid(query).await,
            #[cfg(feature = "s4")]
            Backend::S4 => self.resume_s4(query).await,
            #[allow(unreachable_patterns)]
            _ => drop(query),
        }
    }
}
