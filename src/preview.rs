//! The checkout's first screen as HTML, rendered natively by the gateway from the widget's own
//! views, so that a reader sees (and can fill in) the form before the bundle has arrived and
//! started: the loader shows it in the host's shadow root, and the widget takes over when it
//! mounts (`loader/kasse.js`). One set of views: this is [`CheckoutView`] as the widget renders
//! it, for a reader with no draft and no session.

use std::sync::Arc;

use kasse_core::contract::OfferInfo;
use kasse_core::Locale;
use leptos::prelude::*;
use leptos::reactive::diagnostics::SpecialNonReactiveZone;

use crate::app::Checkout;
use crate::page::RENDERED_FOR;
use crate::view::CheckoutView;

/// A rendered first screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preview {
    /// The widget's root element and the checkout in it, as the widget mounts them.
    pub html: String,
    /// The language it is in (the widget's choice from the same hint).
    pub locale: Locale,
}

/// Renders `info`'s checkout as the widget first shows it, in the language `locale_hint` asks
/// for (a `data-kasse-locale`, a page's `lang` or a browser's languages, as the widget reads
/// them), for the page `page` (where its login link comes back to) and the gateway at `gateway`
/// (empty: the page's own origin).
pub fn render(info: OfferInfo, locale_hint: &str, page: &str, gateway: &str) -> Preview {
    never_run_effects();
    let locale = Locale::negotiate(locale_hint);
    let owner = Owner::new();
    RENDERED_FOR.set(page.to_owned());
    let html = owner.with(|| {
        // The views' reactive closures are read once here, outside any effect, on purpose.
        let _quiet = SpecialNonReactiveZone::enter();
        let checkout = Checkout::for_preview(Arc::new(info), locale, gateway);
        let lang = locale.tag();
        view! { <div class="kasse-root" lang=lang><CheckoutView checkout=checkout/></div> }.to_html()
    });
    RENDERED_FOR.take();
    owner.cleanup();
    Preview { html, locale }
}

/// A server render's effects never run (they would focus fields and start the session in a
/// browser). Leptos spawns each effect on the global executor when it is created; this one drops
/// them. Set once per process, and never replaced: the gateway runs no other Leptos code.
fn never_run_effects() {
    struct Never;
    impl any_spawner::CustomExecutor for Never {
        fn spawn(&self, _: any_spawner::PinnedFuture<()>) {}
        fn spawn_local(&self, _: any_spawner::PinnedLocalFuture<()>) {}
        fn poll_local(&self) {}
    }
    // An error means it is set already (by an earlier render).
    any_spawner::Executor::init_custom_executor(Never).ok();
}
