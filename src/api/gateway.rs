//! The gateway's endpoints, one method each.

use kasse_core::connectid::{AssignUserResponse, ClientOrder, StartSubscription};
use kasse_core::contract::{
    AccessInfo, AssignUserBody, ConnectIdOrderRegistered, ConsentInfo, LogoutAnswer, LogoutRequest, OfferInfo,
    S4OrderAnswer, S4OrderRequest, SessionInfo, IDEMPOTENCY_KEY_HEADER, ORDER_TOKEN_HEADER, PREPAYMENT_HEADER,
};
use kasse_core::decimal::decimal;
use kasse_core::field::encode_component as encode;
use serde::Serialize;
use wasm_bindgen::JsValue;

use super::fetch::{decode, send, Call};
use super::ApiFailure;
use crate::json::to_js;

/// The publisher's gateway.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gateway {
    base: String,
}

fn body<T: Serialize + ?Sized>(value: &T) -> Result<Option<JsValue>, ApiFailure> {
    // Our own types always serialize; a failure here is a bug, reported like an unreachable gateway.
    to_js(value).map(Some).ok_or(ApiFailure::Network)
}

impl Gateway {
    /// `base` is the gateway's origin (or empty for the page's own origin).
    pub fn new(base: &str) -> Self {
        Gateway {
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    fn url(&self, path: &str) -> String {
        [self.base.as_str(), "/kasse/v1", path].concat()
    }

    /// A read: sent again after a failure that may pass (a 429 from a busy gateway, a dropped
    /// connection), since reading twice is harmless. Otherwise a reader's session or access
    /// would quietly read as none.
    fn get(&self, path: &str) -> Call<'static> {
        self.call("GET", path).replayable()
    }

    fn post(&self, path: &str, body: Option<JsValue>) -> Call<'static> {
        Call {
            body,
            ..self.call("POST", path)
        }
    }

    fn call(&self, method: &'static str, path: &str) -> Call<'static> {
        Call {
            method,
            url: self.url(path),
            header: None,
            body: None,
            session: false,
            replayable: false,
        }
    }

    /// Loads an offer.
    pub async fn offer(&self, id: &str) -> Result<OfferInfo, ApiFailure> {
        decode(send(self.get(&["/offers/", &encode(id)].concat())).await?)
    }

    /// Registers a ConnectID order (idempotent on its `externalOrderId`): in the logged-in
    /// reader's name when `in_session` (flows 1a/2a), else as the publisher's client order.
    pub async fn create_order(
        &self,
        offer_id: &str,
        order: &ClientOrder,
        voucher: Option<&str>,
        in_session: bool,
    ) -> Result<ConnectIdOrderRegistered, ApiFailure> {
        let path = ["/connectid/orders?offer=", &encode(offer_id)].concat();
        let mut call = self.post(&path, body(order)?).in_session(in_session);
        if let Some(voucher) = voucher {
            call = call.header(PREPAYMENT_HEADER, voucher);
        }
        decode(send(call.replayable()).await?)
    }

    /// Completes a prepaid or non-interactive order through the vendor's API.
    pub async fn complete(&self, order_id: i64, token: &str) -> Result<(), ApiFailure> {
        let path = ["/connectid/orders/", &decimal(order_id), "/complete"].concat();
        let empty = js_sys::Object::new().into();
        send(
            self.post(&path, Some(empty))
                .header(ORDER_TOKEN_HEADER, token)
                .replayable(),
        )
        .await?;
        Ok(())
    }

    /// Gives the reader digital access: assigns the order to the payer's credential.
    pub async fn assign_user(
        &self,
        order_id: i64,
        token: &str,
        request: &AssignUserBody,
    ) -> Result<AssignUserResponse, ApiFailure> {
        let path = ["/connectid/orders/", &decimal(order_id), "/user"].concat();
        let call = self.post(&path, body(request)?).header(ORDER_TOKEN_HEADER, token);
        decode(send(call.replayable()).await?)
    }

    /// Where the login link goes: the gateway's login, coming back to `return_url`.
    pub fn login_url(&self, return_url: &str) -> String {
        self.url(&["/login?returnUrl=", &encode(return_url)].concat())
    }

    /// Who is logged in.
    pub async fn session(&self) -> Result<SessionInfo, ApiFailure> {
        decode(send(self.get("/session").in_session(true)).await?)
    }

    /// Whether the logged-in reader has `offer_id` already.
    pub async fn access(&self, offer_id: &str) -> Result<AccessInfo, ApiFailure> {
        decode(
            send(
                self.get(&["/offers/", &encode(offer_id), "/access"].concat())
                    .in_session(true),
            )
            .await?,
        )
    }

    /// Starts a start-subscription offer for the logged-in reader (idempotent on `key`).
    pub async fn start_subscription(
        &self,
        offer_id: &str,
        key: &str,
        request: &StartSubscription,
    ) -> Result<(), ApiFailure> {
        let path = ["/connectid/subscriptions?offer=", &encode(offer_id)].concat();
        let call = self.post(&path, body(request)?).header(IDEMPOTENCY_KEY_HEADER, key);
        send(call.in_session(true).replayable()).await?;
        Ok(())
    }

    /// The offer's marketing consent text in `locale`.
    pub async fn consent_text(&self, offer_id: &str, locale: &str) -> Result<ConsentInfo, ApiFailure> {
        let path = ["/offers/", &encode(offer_id), "/consent?locale=", &encode(locale)].concat();
        decode(send(self.get(&path)).await?)
    }

    /// The reader ticked the consent box of paid order `order_id`.
    pub async fn register_consent(&self, order_id: i64, token: &str, in_session: bool) -> Result<(), ApiFailure> {
        let path = ["/connectid/orders/", &decimal(order_id), "/consent"].concat();
        let call = self.post(&path, None).header(ORDER_TOKEN_HEADER, token);
        send(call.in_session(in_session).replayable()).await?;
        Ok(())
    }

    /// Ends the session at the gateway; answers ConnectID's logout page to go to.
    pub async fn logout(&self, return_url: &str) -> Result<LogoutAnswer, ApiFailure> {
        let request = LogoutRequest {
            return_url: return_url.to_owned(),
        };
        decode(send(self.post("/logout", body(&request)?).in_session(true)).await?)
    }

    /// Creates an S4 order (idempotent on `key`, the attempt id).
    pub async fn create_s4_order(
        &self,
        offer_id: &str,
        key: &str,
        request: &S4OrderRequest,
    ) -> Result<S4OrderAnswer, ApiFailure> {
        let path = ["/s4/orders?offer=", &encode(offer_id)].concat();
        let call = self.post(&path, body(request)?).header(IDEMPOTENCY_KEY_HEADER, key);
        decode(send(call.replayable()).await?)
    }

    /// Completes an S4 order, letting S4 wait up to `max_polling_ms` for the reader's approval.
    pub async fn complete_s4(&self, id: &str, token: &str, max_polling_ms: u32) -> Result<S4OrderAnswer, ApiFailure> {
        let path = ["/s4/orders/", &encode(id), "/complete"].concat();
        let request = kasse_core::contract::S4CompleteRequest {
            max_polling_timeout: Some(max_polling_ms),
        };
        let call = self.post(&path, body(&request)?).header(ORDER_TOKEN_HEADER, token);
        decode(send(call.replayable()).await?)
    }
}
