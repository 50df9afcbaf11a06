//! What follows an S4 order the vendor created or re-read.

use super::{OrderStatus, OrderView};
use crate::field::check_absolute_https;

/// What to do with an S4 order after creating (or re-reading) it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum S4Next {
    /// Send the reader to the vendor's terminal (agreement approval) at this URL.
    Redirect(String),
    /// Nothing for the reader to approve: `POST /order/{id}/complete`.
    Complete,
    /// Completed.
    Done,
    /// Cancelled, rejected, an unknown status, or a terminal URL that is not absolute https.
    Failed,
}

/// Decides the next step from an `OrderView`: an in-progress order with a `terminalRedirectUrl`
/// sends the reader there (the URL must be absolute https, http only on loopback: a vendor answer
/// must not be able to send the reader to `javascript:`); without one it is completed by API.
pub fn next_step(view: &OrderView) -> S4Next {
    match view.status {
        OrderStatus::Completed => S4Next::Done,
        OrderStatus::Cancelled | OrderStatus::Rejected | OrderStatus::Unknown => S4Next::Failed,
        OrderStatus::InProgress => match view.terminal_redirect_url.as_deref() {
            None | Some("") => S4Next::Complete,
            Some(u) => match check_absolute_https(u) {
                Ok(parsed) => S4Next::Redirect(parsed.as_str().to_owned()),
                Err(_) => S4Next::Failed,
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_steps_after_create() {
        let view = |status: OrderStatus, url: Option<&str>| OrderView {
            id: "x".into(),
            status,
            terminal_redirect_url: url.map(str::to_owned),
            subscriber_id: None,
            subscription_id: None,
            payment_agreement_id: None,
            payment_method: None,
        };
        let pay = "https://ecom.payex.com/paymentmenu/abc";
        assert_eq!(
            next_step(&view(OrderStatus::InProgress, Some(pay))),
            S4Next::Redirect(pay.into())
        );
        assert_eq!(next_step(&view(OrderStatus::InProgress, None)), S4Next::Complete);
        assert_eq!(
            next_step(&view(OrderStatus::InProgress, Some("javascript:alert(1)"))),
            S4Next::Failed
        );
        assert_eq!(
            next_step(&view(OrderStatus::InProgress, Some("http://pay.example.com/"))),
            S4Next::Failed
        );
        assert_eq!(next_step(&view(OrderStatus::Completed, Some(pay))), S4Next::Done);
        assert_eq!(next_step(&view(OrderStatus::Rejected, None)), S4Next::Failed);
        assert_eq!(next_step(&view(OrderStatus::Unknown, None)), S4Next::Failed);
    }
}
