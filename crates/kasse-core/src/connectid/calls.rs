//! The calls on a registered order: complete through the fulfillment API, assign the reader an
//! account, read the order's status.

use serde::{Deserialize, Serialize};

use crate::error_code::{ErrorCode, Errors, FieldError};
use crate::field::{check_absolute_https, is_e164, is_valid_email};
use crate::money::Money;

/// Response of register order: `{"orderId": 9}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderCreated {
    /// The vendor's order id.
    pub order_id: i64,
}

/// `POST /v1/client/order/fulfillment`: complete a prepaid or non-interactive order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompleteOrderRequest {
    /// The order.
    pub order_id: i64,
    /// Gets a GET with `fulfillmentStatus=success|failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
}

/// `fulfillmentStatus` of a completion by API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CompleteStatus {
    /// Fulfilled.
    #[serde(rename = "OK")]
    Ok,
    /// Not fulfilled; see `errorMessage`.
    #[serde(rename = "ERROR")]
    Error,
}

/// Response of completion by API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompleteOrderResponse {
    /// OK or ERROR.
    pub fulfillment_status: CompleteStatus,
    /// The order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<i64>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

/// `POST /v1/client/order/{orderId}/user`: give the reader of a not-logged-in order an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignUserRequest {
    /// E.164 phone or e-mail.
    pub credential: String,
    /// Send the reader a message (e-mail or SMS) with a login link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_send_message: Option<bool>,
    /// Where the link lands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    /// Where the link lands on error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_url: Option<String>,
    /// Link lifetime (seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_lifetime: Option<i64>,
    /// Required when `isSendMessage` is true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_client_id: Option<String>,
}

/// Response of assign user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignUserResponse {
    /// The order.
    pub order_id: i64,
    /// The (new or existing) user.
    pub unique_user_id: String,
    /// Whether the account was created now.
    #[serde(default)]
    pub is_new_user: bool,
    /// Whether the user has a password.
    #[serde(default)]
    pub is_password_set: bool,
}

/// One entry of `GET /v1/client/order/status/{orderId}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderStatusEntry {
    /// The order.
    pub order_id: i64,
    /// The shop's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_order_id: Option<String>,
    /// Epoch milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_time: Option<i64>,
    /// e.g. `preliminary`; free text at the vendor, kept as such.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_status: Option<String>,
    /// Amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_amount: Option<Money>,
    /// Customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_number: Option<i64>,
}

/// `GET /v1/client/order/status/{orderId}` response.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderStatusResponse {
    /// The orders.
    #[serde(default)]
    pub orders: Vec<OrderStatusEntry>,
}

/// Checks an assign-user request: credential is an e-mail or an E.164 phone; URLs absolute https
/// (http on loopback); `overrideClientId` present when `isSendMessage` is true.
pub fn validate_assign_user(req: &AssignUserRequest) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    let c = req.credential.as_str();
    if c.trim().is_empty() {
        e.push("credential", ErrorCode::Required);
    } else if c.contains('@') {
        if !is_valid_email(c) {
            e.push("credential", ErrorCode::InvalidEmail);
        }
    } else if !is_e164(c) {
        e.push("credential", ErrorCode::InvalidPhone);
    }
    for (path, u) in [("returnUrl", &req.return_url), ("errorUrl", &req.error_url)] {
        if let Some(u) = u {
            if let Err(code) = check_absolute_https(u) {
                e.push(path, code);
            }
        }
    }
    if req.is_send_message == Some(true) && req.override_client_id.as_deref().is_none_or(|s| s.trim().is_empty()) {
        e.push("overrideClientId", ErrorCode::Required);
    }
    if let Some(l) = req.link_lifetime {
        if l <= 0 {
            e.push("linkLifetime", ErrorCode::InvalidValue);
        }
    }
    e.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complete_and_assign_responses_parse() {
        let r: CompleteOrderResponse =
            serde_json::from_str(r#"{"fulfillmentStatus":"ERROR","orderId":9,"errorMessage":"x"}"#).unwrap();
        assert_eq!(r.fulfillment_status, CompleteStatus::Error);
        let a: AssignUserResponse =
            serde_json::from_str(r#"{"orderId":9,"uniqueUserId":"u-1","isNewUser":true,"isPasswordSet":false}"#)
                .unwrap();
        assert!(a.is_new_user);
        let s: OrderStatusResponse = serde_json::from_str(
            r#"{"orders":[{"orderId":9,"externalOrderId":"23456","orderTime":1547078400000,"orderStatus":"preliminary","orderAmount":150,"customerNumber":71}]}"#,
        )
        .unwrap();
        assert_eq!(s.orders[0].order_amount, Some(Money::from_minor(15000)));
        let req = CompleteOrderRequest {
            order_id: 9,
            callback_url: None,
        };
        assert_eq!(serde_json::to_string(&req).unwrap(), r#"{"orderId":9}"#);
    }
}
