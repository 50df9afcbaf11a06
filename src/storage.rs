//! What survives a reload, the back button and the trip to the payment page: the reader's draft
//! and the current order attempt, in `sessionStorage` (per tab, gone when the tab closes; never
//! `localStorage`, which would keep personal data on a shared computer).

use kasse_core::CheckoutForm;
use serde::{Deserialize, Serialize};

/// One order attempt. Its `external_order_id` and `order_date` stay the same for every retry of
/// the same form, so a retried request is the same request and the gateway replays the answer
/// instead of creating a second order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    /// The idempotency key of this attempt.
    pub external_order_id: String,
    /// `orderDate` of the payload (epoch ms), fixed with the key.
    pub order_date: i64,
    /// The form the attempt was made from; a changed form is a new attempt.
    pub form: CheckoutForm,
    /// The vendor's order id once the order exists (ConnectID).
    #[serde(default)]
    pub order_id: Option<i64>,
    /// The vendor's order id once the order exists (S4, a GUID).
    #[serde(default)]
    pub s4_order_id: Option<String>,
    /// The order's token, which every later call on it carries (kept here, never in a URL or an
    /// event).
    #[serde(default)]
    pub order_token: Option<String>,
    /// The e-mail or phone the reader's access is assigned to after payment.
    #[serde(default)]
    pub credential: Option<String>,
    /// Made by a logged-in reader in their own name (flows 1a/2a): no assign-user step follows.
    #[serde(default)]
    pub logged_in: bool,
}

impl Attempt {
    /// A new attempt for `form`: a fresh key and date, no order yet.
    pub fn new(form: CheckoutForm, logged_in: bool) -> Attempt {
        Attempt {
            external_order_id: crate::page::random_id(),
            order_date: crate::page::now_ms(),
            form,
            order_id: None,
            s4_order_id: None,
            order_token: None,
            credential: None,
            logged_in,
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    // Private modes and sandboxed frames may refuse storage: the widget then works without it.
    web_sys::window()?.session_storage().ok().flatten()
}

fn key(offer: &str, what: &str) -> String {
    format!("kasse:{offer}:{what}")
}

fn read<T: serde::de::DeserializeOwned>(offer: &str, what: &str) -> Option<T> {
    let text = storage()?.get_item(&key(offer, what)).ok().flatten()?;
    crate::json::parse(&text)
}

fn write<T: Serialize>(offer: &str, what: &str, value: &T) {
    if let (Some(storage), Ok(text)) = (storage(), crate::json::stringify(value).ok_or(())) {
        storage.set_item(&key(offer, what), &text).ok();
    }
}

fn remove(offer: &str, what: &str) {
    if let Some(storage) = storage() {
        storage.remove_item(&key(offer, what)).ok();
    }
}

/// The reader's draft for `offer`, if any.
pub fn load_draft(offer: &str) -> Option<CheckoutForm> {
    read(offer, "draft")
}

/// Saves the draft (on every change).
pub fn save_draft(offer: &str, form: &CheckoutForm) {
    write(offer, "draft", form);
}

/// The attempt in progress for `offer`.
pub fn load_attempt(offer: &str) -> Option<Attempt> {
    read(offer, "attempt")
}

/// Saves the attempt before its request leaves, so a reload mid-flight retries the same one.
pub fn save_attempt(offer: &str, attempt: &Attempt) {
    write(offer, "attempt", attempt);
}

/// Forgets the attempt: the next submit is a new order.
pub fn clear_attempt(offer: &str) {
    remove(offer, "attempt");
}

/// Forgets everything after success: nothing personal stays behind.
pub fn clear_all(offer: &str) {
    remove(offer, "draft");
    remove(offer, "attempt");
}

/// The attempt id of starting `offer`'s subscription: the same across a double click and a
/// reload, so the gateway starts one subscription.
pub fn start_key(offer: &str, fresh: impl FnOnce() -> String) -> String {
    read::<String>(offer, "start").unwrap_or_else(|| {
        let key = fresh();
        write(offer, "start", &key);
        key
    })
}

/// Forgets the start attempt (it finished, for good or not).
pub fn clear_start(offer: &str) {
    remove(offer, "start");
}
