//! A start-subscription offer: a logged-in reader activates it in one click (ConnectID's start
//! subscription through the gateway); nothing is paid.

use kasse_core::checkout::build_start_subscription;
use kasse_core::checkout::failure::{on_failure, AttemptAfter, Call};
use kasse_core::lifecycle::{next_start_step, StartFacts, StartStep};
use kasse_core::MessageKey;
use leptos::prelude::*;

use super::{Checkout, Notice, Phase, Receipt};
use crate::api::ApiFailure;
use crate::events::{Detail, Event};
use crate::{page, storage};

impl Checkout {
    /// Whether the offer is started rather than ordered.
    pub fn is_start(&self) -> bool {
        self.info.with_value(|i| i.offer.start_subscription.is_some())
    }

    /// What the reader is shown next for a start-subscription offer (tracked).
    pub fn start_step(&self) -> StartStep {
        next_start_step(StartFacts {
            logged_in: self.reader.with(Option::is_some),
            has_access: self.has_access(),
            started: self.phase.with(Phase::is_done),
        })
    }

    /// Whether the logged-in reader has the offer already (tracked).
    pub fn already_has_it(&self) -> bool {
        self.has_access() == Some(true)
    }

    /// "Activate": builds the body with the core, starts it through the gateway (retried with the
    /// same key), then the receipt.
    pub(super) async fn activate(self) {
        // While the access check is out the reader may click: the gateway checks before it starts.
        let step = untrack(|| self.start_step());
        if !self.phase.with_untracked(Phase::is_form) || !matches!(step, StartStep::Start | StartStep::CheckAccess) {
            return;
        }
        self.notice.set(None);
        let offer_id = self.offer_id();
        let (key, start_time) = storage::start_attempt(&offer_id, || (page::random_id(), page::now_ms()));
        let body = match self.info.with_value(|i| build_start_subscription(&i.offer, start_time)) {
            Ok(body) => body,
            Err(_) => {
                self.notice.set(Some(Notice::new(MessageKey::ErrServiceConfig, false)));
                return;
            }
        };
        self.go(Phase::Submitting);
        let gateway = self.gateway.get_value();
        match gateway.start_subscription(&offer_id, &key, &body).await {
            Ok(_) => {
                storage::clear_start(&offer_id);
                self.go(Phase::Receipt(Receipt {
                    order_id: String::new(),
                    new_user: false,
                }));
                self.emit(Event::Completed, Detail::new().flag("started", true));
            }
            Err(ApiFailure::Http { code, .. }) if code == "already_has_access" => {
                storage::clear_start(&offer_id);
                self.go(Phase::Form);
                self.set_has_access(true);
            }
            Err(failure) => {
                let stop = on_failure(Call::Start, failure.code(), failure.retryable());
                if stop.attempt == AttemptAfter::End {
                    storage::clear_start(&offer_id);
                }
                self.show(stop, Some(&failure), Detail::new());
            }
        }
    }
}
