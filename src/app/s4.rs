//! The S4 order flow: submit the package the reader chose, send them to the Vipps, MobilePay or
//! SwedbankPay page, and on their return complete the order through the gateway. S4 cannot tell
//! an approved agreement from a cancelled one at the return, so the widget always completes and
//! reads "not approved" (409) as a cancel; the gateway has then cancelled the order at S4.

use kasse_core::checkout::attempt::{attempt_for_submit, without_order, Attempt};
use kasse_core::checkout::failure::{
    on_s4_complete, Call, S4Completion, S4_COMPLETE_CALLS, S4_COMPLETE_WAIT_MS, S4_ORDER_FAILED,
};
use kasse_core::checkout::S4Urls;
use kasse_core::connectid::FulfillmentStatus;
use kasse_core::contract::S4OrderAnswer;
use kasse_core::s4::{next_step, OrderView, S4Next};
use kasse_core::{build_s4_request, MessageKey};
use leptos::prelude::*;

use super::{Checkout, Notice, Phase, Receipt};
use crate::events::{Detail, Event};
use crate::{page, storage};
use kasse_core::field::WebUrl;

impl Checkout {
    /// The URLs the agreement carries: back to this page, and the publisher's own from the offer.
    fn s4_urls(&self) -> S4Urls {
        let offer_id = self.offer_id();
        let public = self.info.with_value(|i| i.s4.clone()).unwrap_or_default();
        S4Urls {
            merchant_agreement_url: public.merchant_agreement_url.unwrap_or_default(),
            complete_url: page::return_url(&offer_id),
            cancel_url: page::cancel_url(&offer_id),
            callback_url: public.callback_url.unwrap_or_default(),
            culture: Some(self.locale.culture().to_owned()),
        }
    }

    /// Submit for an S4 offer: build the request with the core, create the order (retried with
    /// the same key, so at most one subscriber and one order), then go where S4 says.
    pub(super) async fn submit_s4(self) {
        self.notice.set(None);
        let offer_id = self.offer_id();
        let form = self.form.get_untracked();
        let info = self.info.get_value();
        let request = match build_s4_request(&info.offer, &form, &self.s4_urls()) {
            Ok(request) => request,
            Err(errors) => return self.refuse_form(errors),
        };
        self.errors.set(Vec::new());
        // S4 has no login: every attempt is the reader's anonymous one.
        let attempt = attempt_for_submit(storage::load_attempt(&offer_id), &form, false, || {
            Attempt::new(form.clone(), false, page::random_id(), page::now_ms())
        });
        storage::save_attempt(&offer_id, &attempt);
        self.go(Phase::Submitting);
        let gateway = self.gateway.get_value();
        let key = attempt.external_order_id.clone();
        let created = gateway.create_s4_order(&offer_id, &key, &request).await;
        let created = match created {
            Ok(created) => created,
            Err(failure) => return self.failed(Call::Create, &failure, Detail::new()),
        };
        let token = created.order_token.clone().unwrap_or_default();
        storage::save_attempt(
            &offer_id,
            &Attempt {
                s4_order_id: Some(created.id.clone()),
                order_token: Some(token.clone()),
                ..attempt
            },
        );
        let method = request.order.payment_agreement_parameters.as_ref();
        self.emit(
            Event::OrderCreated,
            Detail::new()
                .text("orderId", &created.id)
                .maybe("method", method.map(|m| m.payment_method.wire_name()))
                .text("backend", "s4"),
        );
        self.after_s4_answer(created, token).await;
    }

    /// Field errors from the core: shown at their fields, focus on the first.
    fn refuse_form(self, errors: Vec<kasse_core::FieldError>) {
        let fields: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        self.emit(Event::Error, Detail::error("validation", false).list("fields", &fields));
        self.notice.set(Some(Notice::new(MessageKey::FixErrors, false)));
        self.errors.set(errors);
    }

    /// Where S4's answer leads: its terminal page, completion by API, or the receipt.
    async fn after_s4_answer(self, answer: S4OrderAnswer, token: String) {
        let view = OrderView {
            id: answer.id.clone(),
            status: answer.status,
            terminal_redirect_url: answer.terminal_redirect_url,
            subscriber_id: None,
            subscription_id: None,
            payment_agreement_id: None,
            payment_method: None,
        };
        match next_step(&view) {
            S4Next::Redirect(url) => {
                self.go(Phase::Redirecting);
                let host = WebUrl::parse(&url).and_then(|u| u.host_str().map(str::to_owned));
                self.emit(
                    Event::Redirect,
                    Detail::new().text("orderId", &answer.id).maybe("host", host.as_deref()),
                );
                page::navigate(&url);
            }
            S4Next::Complete => self.complete_s4(answer.id, token).await,
            S4Next::Done => self.s4_receipt(answer.id),
            S4Next::Failed => {
                self.settle(S4_ORDER_FAILED.attempt);
                self.show(S4_ORDER_FAILED, None, Detail::new().text("orderId", &answer.id));
            }
        }
    }

    /// Completes the order through the gateway, waiting a while for an approval on its way: the
    /// core says what each answer means.
    pub(super) async fn complete_s4(self, id: String, token: String) {
        self.go(Phase::Completing);
        self.commit(Call::CompleteS4);
        let gateway = self.gateway.get_value();
        let order = || Detail::new().text("orderId", &id);
        for call in 1..=S4_COMPLETE_CALLS {
            let stop = match gateway.complete_s4(&id, &token, S4_COMPLETE_WAIT_MS).await {
                Ok(answer) => match on_s4_complete(answer.status, call) {
                    S4Completion::Done => return self.s4_receipt(id),
                    S4Completion::Again => continue,
                    S4Completion::Stopped(stop) => stop,
                },
                Err(failure) => return self.failed(Call::CompleteS4, &failure, order()),
            };
            self.settle(stop.attempt);
            return self.show(stop, None, order());
        }
    }

    fn s4_receipt(self, id: String) {
        storage::clear_all(&self.offer_id());
        self.go(Phase::Receipt(Receipt {
            order_id: id.clone(),
            new_user: false,
        }));
        self.emit(Event::Completed, Detail::new().text("orderId", &id));
    }

    /// Back from the terminal page (approved, cancelled, or the back button; `query` is what it
    /// added): complete the stored order, or, with none here, say what the core says.
    pub(super) async fn resume_s4(self, query: String) {
        match storage::load_attempt(&self.offer_id())
            .as_ref()
            .and_then(Attempt::s4_order)
        {
            Some((id, token)) => self.complete_s4(id.to_owned(), token.to_owned()).await,
            None => {
                let status = page::return_status(&query)
                    .map_or(FulfillmentStatus::Unknown, |s| FulfillmentStatus::from_wire(&s));
                if let Some(message) = without_order(status) {
                    self.notice.set(Some(Notice::new(message, false)));
                }
            }
        }
    }
}
