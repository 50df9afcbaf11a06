//! What survives a reload, the back button and the trip to the payment page: the reader's draft
//! and the current order attempt, in `sessionStorage` (per tab, gone when the tab closes; never
//! `localStorage`, which would keep personal data on a shared computer).

use kasse_core::CheckoutForm;
use serde::Serialize;

pub use kasse_core::checkout::attempt::Attempt;

fn storage() -> Option<web_sys::Storage> {
    // Private modes and sandboxed frames may refuse storage: the widget then works without it.
    web_sys::window()?.session_storage().ok().flatten()
}

fn key(offer: &str, what: &str) -> String {
    ["kasse:", offer, ":", what].concat()
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

/// Marks the attempt's order as one that may be paid or completed ([`Attempt::committed`]) before
/// the call that may make it so leaves, or (`false`) as one the reader may leave after all.
pub fn set_committed(offer: &str, committed: bool) {
    if let Some(attempt) = load_attempt(offer).filter(|a| a.committed != committed) {
        save_attempt(offer, &Attempt { committed, ..attempt });
    }
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

/// The attempt id of starting `offer`'s subscription and the start time it was made with: the
/// same across a double click and a reload, so the gateway sees the same request and starts one
/// subscription (a new time under the same key would be refused as another request).
pub fn start_attempt(offer: &str, fresh: impl FnOnce() -> (String, i64)) -> (String, i64) {
    read::<(String, i64)>(offer, "start").unwrap_or_else(|| {
        let attempt = fresh();
        write(offer, "start", &attempt);
        attempt
    })
}

/// Forgets the start attempt (it finished, for good or not).
pub fn clear_start(offer: &str) {
    remove(offer, "start");
}
