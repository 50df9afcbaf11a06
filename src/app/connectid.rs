//! The ConnectID order flow: register the order the core builds, walk the core's steps (to the
//! payment page, or completed through the API with the user assigned), and the return from the
//! payment page. Every decision comes from kasse-core; this runs the effects.

use kasse_core::checkout::attempt::{attempt_for_submit, on_return, Attempt, Return};
use kasse_core::checkout::failure::Call;
use kasse_core::connectid::ClientOrder;
use kasse_core::connectid::{self, Step};
use kasse_core::contract::AssignUserBody;
use kasse_core::contract::ConnectIdOrderRegistered;
use kasse_core::decimal::decimal;
use kasse_core::field::WebUrl;
use kasse_core::{build_client_order, MessageKey};
use leptos::prelude::*;

use super::{Checkout, Notice, Phase, Receipt};
use crate::events::{Detail, Event};
use crate::{page, storage};

impl Checkout {
    /// Submit for a ConnectID offer: validate and build the payload with the core, register the
    /// order (retried with the same key), then walk the core's steps.
    pub(super) async fn submit_connectid(self) {
        self.notice.set(None);
        let Some((order, mut attempt)) = self.prepare_order() else {
            return;
        };
        storage::save_attempt(&self.offer_id(), &attempt);
        self.go(Phase::Submitting);
        let Some(created) = self.register(&order, attempt.logged_in).await else {
            return;
        };
        attempt.order_id = Some(created.order_id);
        attempt.order_token = Some(created.order_token.clone());
        storage::save_attempt(&self.offer_id(), &attempt);
        let info = self.info.get_value();
        let (flow, steps) = connectid::plan(&info.offer, order.payment_method, attempt.logged_in);
        self.emit(
            Event::OrderCreated,
            Detail::new()
                .number("orderId", created.order_id as f64)
                .text("method", order.payment_method.wire_name())
                .text("flow", flow.name())
                .text("backend", "connectId"),
        );
        self.run_steps(created.order_id, created.order_token, &steps, attempt.credential)
            .await;
    }

    /// The order this submit sends, and the attempt it belongs to (a new one, or the stored one
    /// when the form is unchanged, so a resend reuses its key). `None` after showing why not.
    fn prepare_order(&self) -> Option<(ClientOrder, Attempt)> {
        let form = self.form.get_untracked();
        let logged_in = self.reader.with_untracked(Option::is_some);
        let attempt = attempt_for_submit(storage::load_attempt(&self.offer_id()), &form, logged_in, || {
            Attempt::new(form.clone(), logged_in, page::random_id(), page::now_ms())
        });
        let info = self.info.get_value();
        let mut order = match build_client_order(&info.offer, &form, &attempt.external_order_id, attempt.order_date) {
            Ok(order) => order,
            Err(errors) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
                self.emit(Event::Error, Detail::error("validation", false).list("fields", &fields));
                self.notice.set(Some(Notice::new(MessageKey::FixErrors, false)));
                self.errors.set(errors);
                return None;
            }
        };
        self.errors.set(Vec::new());
        if info.offer.prepaid {
            // A prepaid order carries the payment taken before (ConnectID's order flows 2a/2b).
            let Some(prepayment) = self.prepayment.get_value() else {
                self.notice.set(Some(Notice::new(MessageKey::ErrServiceConfig, false)));
                self.emit(Event::Error, Detail::error("prepayment_missing", false));
                return None;
            };
            order.payment_info_pay_ex = Some(prepayment.info);
        }
        let credential = order.payer.credential().map(str::to_owned);
        Some((order, Attempt { credential, ..attempt }))
    }

    /// Registers `order` through the gateway; `None` after showing the failure (which may end
    /// the attempt: the next submit is then a new one).
    async fn register(&self, order: &ClientOrder, logged_in: bool) -> Option<ConnectIdOrderRegistered> {
        let voucher = self.prepayment.get_value().and_then(|p| p.voucher);
        let gateway = self.gateway.get_value();
        match gateway
            .create_order(&self.offer_id(), order, voucher.as_deref(), logged_in)
            .await
        {
            Ok(created) => Some(created),
            Err(failure) => {
                self.failed(Call::Create, &failure, Detail::new());
                None
            }
        }
    }

    /// Walks `steps` for `order_id`; stops at a redirect (the page is left) or a failure.
    async fn run_steps(self, order_id: i64, token: String, steps: &[Step], credential: Option<String>) {
        let gateway = self.gateway.get_value();
        let mut new_user = false;
        for step in steps {
            match step {
                Step::RedirectToFulfillment => return self.redirect_to_fulfillment(order_id),
                Step::CompleteByApi => {
                    self.go(Phase::Completing);
                    self.commit(Call::Complete);
                    if let Err(failure) = gateway.complete(order_id, &token).await {
                        let order = Detail::new().number("orderId", order_id as f64);
                        return self.failed(Call::Complete, &failure, order);
                    }
                }
                Step::AssignUser => {
                    // Only a paid (or completed) order is assigned.
                    self.go(Phase::Completing);
                    self.commit(Call::AssignUser);
                    let Some(credential) = credential.clone() else { continue };
                    let request = AssignUserBody { credential };
                    match gateway.assign_user(order_id, &token, &request).await {
                        Ok(answer) => new_user = answer.is_new_user,
                        Err(failure) => {
                            let order = Detail::new().number("orderId", order_id as f64);
                            return self.failed(Call::AssignUser, &failure, order);
                        }
                    }
                }
            }
        }
        self.finish(order_id, &token, new_user).await;
    }

    /// Leaves for ConnectID's payment page for `order_id`, or explains why it cannot.
    fn redirect_to_fulfillment(&self, order_id: i64) {
        let offer_id = self.offer_id();
        let info = self.info.get_value();
        let url = info.connect_id.as_ref().map(|connect_id| {
            connectid::fulfillment_url(
                &connect_id.fulfillment_url,
                &connect_id.client_id,
                order_id,
                &page::return_url(&offer_id),
                &page::error_url(&offer_id),
                &[page::host().as_str()],
            )
        });
        let code = match url {
            Some(Ok(url)) => {
                self.go(Phase::Redirecting);
                let target = WebUrl::parse(&url).and_then(|u| u.host_str().map(str::to_owned));
                let detail = Detail::new().number("orderId", order_id as f64);
                self.emit(Event::Redirect, detail.maybe("host", target.as_deref()));
                return page::navigate(&url);
            }
            Some(Err(_)) => "fulfillment_url_refused",
            None => "no_fulfillment_url",
        };
        self.go(Phase::Form);
        self.notice.set(Some(Notice::new(MessageKey::ErrServiceConfig, false)));
        self.emit(Event::Error, Detail::error(code, false));
    }

    /// The order is done: forget the attempt and draft, show the receipt, tell the page, then
    /// record the marketing consent the reader gave with it.
    async fn finish(&self, order_id: i64, token: &str, new_user: bool) {
        let offer_id = self.offer_id();
        let attempt = storage::load_attempt(&offer_id);
        storage::clear_all(&offer_id);
        self.go(Phase::Receipt(Receipt {
            order_id: decimal(order_id),
            new_user,
        }));
        self.emit(Event::Completed, Detail::new().number("orderId", order_id as f64));
        if let Some(attempt) = attempt.filter(|a| a.form.marketing_consent) {
            self.send_consent(order_id, token, attempt.logged_in).await;
        }
    }

    /// Continues a registered order with the steps left after payment (the retry button).
    pub(super) async fn continue_connectid(self, order_id: i64, token: String, stored: Option<Attempt>) {
        let Some(attempt) = stored else { return };
        let after_payment = self.info.with_value(|i| attempt.steps_after_payment(&i.offer));
        self.run_steps(order_id, token, &after_payment, attempt.credential)
            .await
    }

    /// Back from ConnectID's payment page (`query` is what it added): continue the order's steps,
    /// or say how it stopped.
    pub(super) async fn resume_connectid(self, query: String) {
        let offer_id = self.offer_id();
        let status = connectid::parse_fulfillment_return(&query);
        let stored = storage::load_attempt(&offer_id);
        let meaning = self.info.with_value(|i| on_return(stored.as_ref(), status, &i.offer));
        match meaning {
            Return::Continue { order_id, token } => {
                let Some(attempt) = stored else { return };
                let after_payment = self.info.with_value(|i| attempt.steps_after_payment(&i.offer));
                self.run_steps(order_id, token, &after_payment, attempt.credential)
                    .await;
            }
            Return::Stopped {
                order_id,
                message,
                retry,
                error_code,
            } => {
                // The order stopped at the vendor: the next submit is a new order, with the
                // reader's data still in the form.
                storage::clear_attempt(&offer_id);
                self.notice.set(Some(Notice::new(message, retry)));
                let order = order_id as f64;
                match error_code {
                    None => self.emit(Event::Cancel, Detail::new().number("orderId", order)),
                    Some(code) => self.emit(Event::Error, Detail::error(code, retry).number("orderId", order)),
                }
            }
            Return::NoOrder { message } => {
                if let Some(message) = message {
                    self.notice.set(Some(Notice::new(message, false)));
                }
            }
        }
    }
}
