//! The logged-in reader: who it is (the gateway's session), whether they have the offer already,
//! the login link and logout. The reader's tokens never reach the widget: the gateway holds them,
//! and the widget only sends the session cookie along (`credentials: include`).

use kasse_core::contract::ReaderProfile;
use kasse_core::{Backend, MessageKey};
use leptos::prelude::*;

use super::{Checkout, Notice};
use crate::page;

/// A logged-in reader: the gateway's session profile, and whether they have the offer already.
/// One value, so an access answer cannot outlive the login it was for.
#[derive(Clone, Debug)]
pub struct Reader {
    /// Who the reader is.
    pub profile: ReaderProfile,
    /// What the access check answered; `None` until it did.
    pub has_access: Option<bool>,
}

impl Checkout {
    /// Whether the gateway offers login for this offer (ConnectID offers, `[connectid.login]`).
    pub fn login_available(&self) -> bool {
        self.info
            .with_value(|i| i.offer.backend == Backend::ConnectId && i.connect_id.as_ref().is_some_and(|c| c.login))
    }

    /// Where "Log in" goes: the gateway's login, back to this article.
    pub fn login_href(&self) -> String {
        self.gateway.with_value(|g| g.login_url(&page::article_url()))
    }

    /// On mount: the outcome of a login just made, the session, and whether the reader has the
    /// offer already. A failure leaves the reader logged out, with the form as before.
    pub(super) async fn load_session(self) {
        if !self.login_available() {
            return;
        }
        // A new login makes the next submit a new attempt, in the reader's name (the core's
        // `attempt_for_submit`: the login differs), while an order that may be paid is finished.
        if page::take_login_outcome().is_some_and(|outcome| outcome != "ok") {
            self.notice.set(Some(Notice::new(MessageKey::LoginFailed, false)));
        }
        let gateway = self.gateway.get_value();
        let Ok(session) = gateway.session().await else { return };
        let Some(profile) = session.profile.filter(|_| session.logged_in) else {
            self.reader.set(None);
            return;
        };
        self.prefill(&profile);
        self.reader.set(Some(Reader {
            profile,
            has_access: None,
        }));
        if let Ok(access) = gateway.access(&self.offer_id()).await {
            self.set_has_access(access.has_access);
        }
    }

    /// What the access check answered for the logged-in reader (tracked); `None` until it did,
    /// and for a reader who is not logged in.
    pub fn has_access(&self) -> Option<bool> {
        self.reader.with(|r| r.as_ref().and_then(|r| r.has_access))
    }

    /// Records the access check's answer for the logged-in reader (none to record it for: ignored).
    pub(super) fn set_has_access(&self, has_access: bool) {
        self.reader.update(|r| {
            if let Some(reader) = r {
                reader.has_access = Some(has_access);
            }
        });
    }

    /// Fills the fields the reader has left blank from the profile (what they typed wins).
    fn prefill(&self, p: &ReaderProfile) {
        self.form.update(|f| {
            let fill = |field: &mut String, value: &Option<String>| {
                if field.trim().is_empty() {
                    if let Some(v) = value {
                        field.clone_from(v);
                    }
                }
            };
            fill(&mut f.first_name, &p.first_name);
            fill(&mut f.last_name, &p.last_name);
            fill(&mut f.email, &p.email);
            fill(&mut f.phone, &p.phone);
        });
    }

    /// The reader's name as shown beside "Logged in as".
    pub fn reader_name(&self) -> Option<String> {
        self.reader.with(|r| {
            r.as_ref().map(|Reader { profile: p, .. }| {
                [p.first_name.as_deref(), p.last_name.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
        })
    }

    /// Logs out at the gateway, then at ConnectID (its logout page comes back to the article).
    pub(super) async fn logout(self) {
        let gateway = self.gateway.get_value();
        let answer = gateway.logout(&page::article_url()).await;
        self.reader.set(None);
        // Another reader's start is another request: the next one starts anew.
        crate::storage::clear_start(&self.offer_id());
        if let Ok(Some(url)) = answer.map(|a| a.logout_url) {
            page::navigate(&url);
        }
    }

    /// The session ended while ordering: logged out here, told so.
    pub(super) fn session_ended(&self) {
        self.reader.set(None);
        crate::storage::clear_start(&self.offer_id());
    }
}
