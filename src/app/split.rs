//! The checkout's actions as split points: the release build (`--cfg kasse_split`, see
//! `xtask/src/parts.rs`) moves the code only they reach into chunks of their own, so the first
//! download is what renders the form. The actions chunk is fetched when the reader first points at
//! or focuses the checkout ([`Checkout::prepare`]); ConnectID's session chunk right after the form
//! is on screen. Other builds (tests, debug) call the actions directly.
//!
//! A chunk that cannot be fetched is not remembered as failed: the reader sees a retry (their
//! input stays in the form's state, which the first download holds), and the retry fetches again.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use kasse_core::MessageKey;
use leptos::prelude::*;

use super::{Checkout, Notice};
use crate::events::{Detail, Event};

impl Action {
    /// Whether the notice for a chunk that could not be fetched offers the retry button, which
    /// retries an order: a failed logout only says so, and the reader presses "Log out" again.
    fn has_retry(self) -> bool {
        // The retry button retries an order; a return from payment is resumed by a reload (its
        // query is still on the address), a logout by pressing it again.
        #[cfg(feature = "connectid")]
        if self == Action::Logout {
            return false;
        }
        self != Action::Resume
    }
}

/// An action under way: the split function only builds it, so the chunk holds its code.
type Running = Pin<Box<dyn Future<Output = ()>>>;

/// A chunk could not be fetched (the network, or a release replaced under the reader).
pub struct ChunkMissing;

#[cfg(kasse_split)]
impl From<leptos::wasm_split::SplitLoaderError> for ChunkMissing {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        ChunkMissing
    }
}

/// What the reader (or a return from the payment page) asks of the checkout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Submit,
    Retry,
    /// Only called when the URL holds a return for this offer.
    Resume,
    #[cfg(feature = "connectid")]
    Activate,
    /// A press, like the others: its code waits for intent in the actions' chunk rather than
    /// weighing on the session's chunk, which every ConnectID reader fetches.
    #[cfg(feature = "connectid")]
    Logout,
}

#[cfg_attr(
    kasse_split,
    leptos::wasm_split::wasm_split(
        actions,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        preload(fetch_actions)
    )
)]
fn actions(checkout: Checkout, action: Action) -> Result<Running, ChunkMissing> {
    Ok(match action {
        Action::Submit => Box::pin(checkout.submit()),
        Action::Retry => Box::pin(checkout.retry()),
        Action::Resume => Box::pin(checkout.resume()),
        #[cfg(feature = "connectid")]
        Action::Activate => Box::pin(checkout.activate()),
        #[cfg(feature = "connectid")]
        Action::Logout => Box::pin(checkout.logout()),
    })
}

#[cfg(feature = "connectid")]
#[cfg_attr(
    kasse_split,
    leptos::wasm_split::wasm_split(session, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn session(checkout: Checkout) -> Result<Running, ChunkMissing> {
    Ok(Box::pin(async move {
        checkout.spawn(checkout.load_consent());
        checkout.load_session().await
    }))
}

/// A split function's answer: in a split build it is async (its chunk is fetched first), in
/// other builds a plain call.
macro_rules! loaded {
    ($call:expr) => {{
        #[cfg(kasse_split)]
        let loaded = $call.await;
        #[cfg(not(kasse_split))]
        let loaded = $call;
        loaded
    }};
}

impl Checkout {
    /// Starts `action` on its own (a press, a return to resume). It is polled only while the
    /// widget is mounted, from its first step on: a page that unmounts the widget right after
    /// mounting it (a single-page app changing route) ends the action before it reads the
    /// disposed state, which would trap the whole module.
    pub fn act(self, action: Action) {
        self.spawn(self.run(action));
    }

    /// Spawns `task`, polled only while the widget is mounted (see [`Checkout::act`]).
    pub(super) fn spawn(self, task: impl Future<Output = ()> + 'static) {
        leptos::task::spawn_local(WhileMounted::new(self, Box::pin(task)));
    }

    /// Runs `action` (in a split build, once its chunk is there). While the chunk is on its way
    /// the checkout is [`Checkout::busy`], and a second press (the button is disabled then, this
    /// covers what is not a button) runs nothing more, as a second press during an order does not.
    async fn run(self, action: Action) {
        if self.loading.get_untracked() {
            return;
        }
        self.loading.set(true);
        let loaded = loaded!(actions(self, action));
        if !self.is_mounted() {
            return;
        }
        self.loading.set(false);
        match loaded {
            Ok(running) => WhileMounted::new(self, running).await,
            Err(ChunkMissing) => {
                let notice = Notice::new(MessageKey::ErrNetwork, action.has_retry());
                self.notice.set(Some(notice));
                // The page hears of it as of a bundle that could not be loaded.
                self.emit(Event::Error, Detail::error("load_failed", true));
            }
        }
    }

    /// Loads the reader's session and the consent text (in a split build, once the session's
    /// chunk is there). Without the chunk the form still works: the reader orders without their
    /// login.
    #[cfg(feature = "connectid")]
    pub async fn load_session_chunk(self) {
        // An offer with neither (an S4 offer, or login turned off) does not fetch the chunk.
        if !self.login_available() && self.info.with_value(|i| i.offer.consent.is_none()) {
            return;
        }
        if let Ok(running) = loaded!(session(self)) {
            WhileMounted::new(self, running).await
        }
    }

    /// The reader shows intent (points at or focuses the checkout): fetch the actions' chunk now,
    /// so submitting does not wait for it. Fetched once; a failed fetch is tried again next time.
    pub fn prepare(self) {
        #[cfg(kasse_split)]
        leptos::task::spawn_local(async {
            let _ = fetch_actions().await;
        });
    }

    /// Whether the widget is still mounted (the page may call `Kasse.unmount` while an action
    /// waits for the network; its state is gone then).
    fn is_mounted(self) -> bool {
        !self.info.is_disposed()
    }
}

/// An action polled only while its widget is mounted. Between two of the action's steps the page
/// may unmount the widget; the action then ends before its next step touches the disposed state
/// (which would trap, and take every widget of the page with it). Within a step nothing can
/// unmount it: the page runs on the same thread.
struct WhileMounted {
    checkout: Checkout,
    action: Running,
}

impl WhileMounted {
    fn new(checkout: Checkout, action: Running) -> Self {
        WhileMounted { checkout, action }
    }
}

impl Future for WhileMounted {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if !self.checkout.is_mounted() {
            return Poll::Ready(());
        }
        self.action.as_mut().poll(cx)
    }
}
