//! [`Fresh`]: a view that a reactive closure replaces when it runs again.
//!
//! When a `move || view! {…}` closure runs again, tachys diffs the new view against the old one,
//! element by element and attribute by attribute. That diffing (`rebuild`) is generic code
//! instantiated for every view type under the closure, and for a whole screen it is tens of KB
//! of wasm. The widget's reactive closures switch between views that change as a whole (a
//! screen, a notice, an example line), so the old view is simply replaced: built anew, put where
//! the old one was, the old one removed. Changing texts (a status, an error line, a price) are
//! `Fresh` as well, so they share that one render effect too. The finer updates (a field's value,
//! its attributes) are closures of their own inside, which keep their DOM nodes, so focus and
//! typing are untouched.

use std::future::Future;

use leptos::tachys::html::attribute::any_attribute::AnyAttribute;
use leptos::tachys::html::attribute::Attribute;
use leptos::tachys::hydration::Cursor;
use leptos::tachys::renderer::types::{Element, Node};
use leptos::tachys::view::add_attr::AddAnyAttr;
use leptos::tachys::view::{Mountable, Position, PositionState, Render, RenderHtml};

/// Wraps a view so that rebuilding it replaces it instead of diffing it.
pub struct Fresh<V>(pub V);

/// What a [`Fresh`] view leaves mounted, whatever the view was. One type for all of them, so
/// the reactive closures around them share one instance of Leptos's render effect instead of
/// one each.
pub struct FreshState(Box<dyn Mountable>);

impl<V: Render<State: 'static>> Render for Fresh<V> {
    type State = FreshState;

    fn build(self) -> FreshState {
        FreshState(Box::new(self.0.build()))
    }

    fn rebuild(self, state: &mut FreshState) {
        let mut new = self.build();
        state.insert_before_this(&mut new);
        state.unmount();
        *state = new;
    }
}

impl Mountable for FreshState {
    fn unmount(&mut self) {
        self.0.unmount();
    }

    fn mount(&mut self, parent: &Element, marker: Option<&Node>) {
        self.0.mount(parent, marker);
    }

    fn insert_before_this(&self, child: &mut dyn Mountable) -> bool {
        self.0.insert_before_this(child)
    }

    fn elements(&self) -> Vec<Element> {
        self.0.elements()
    }
}

impl<V: AddAnyAttr> AddAnyAttr for Fresh<V> {
    type Output<A: Attribute> = V::Output<A>;

    fn add_any_attr<A: Attribute>(self, attr: A) -> V::Output<A>
    where
        V::Output<A>: RenderHtml,
    {
        self.0.add_any_attr(attr)
    }
}

// The widget renders in the browser only (Leptos `csr`); server rendering and hydration are
// delegated so that the type is a complete view, and are never linked.
impl<V: RenderHtml<State: 'static>> RenderHtml for Fresh<V> {
    type AsyncOutput = V::AsyncOutput;
    type Owned = V::Owned;

    const MIN_LENGTH: usize = V::MIN_LENGTH;

    fn dry_resolve(&mut self) {
        self.0.dry_resolve();
    }

    fn resolve(self) -> impl Future<Output = V::AsyncOutput> + Send {
        self.0.resolve()
    }

    fn to_html_with_buf(
        self,
        buf: &mut String,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) {
        self.0
            .to_html_with_buf(buf, position, escape, mark_branches, extra_attrs);
    }

    fn hydrate<const FROM_SERVER: bool>(self, cursor: &Cursor, position: &PositionState) -> FreshState {
        FreshState(Box::new(self.0.hydrate::<FROM_SERVER>(cursor, position)))
    }

    fn into_owned(self) -> V::Owned {
        self.0.into_owned()
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use leptos::prelude::*;
    use leptos::task::tick;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_test::*;
    use web_sys::HtmlElement;

    use super::Fresh;

    wasm_bindgen_test_configure!(run_in_browser);

    fn bold(host: &HtmlElement) -> Option<web_sys::Element> {
        host.query_selector("b").unwrap()
    }

    #[wasm_bindgen_test]
    async fn a_rerun_replaces_the_view_where_it_was() {
        let document = web_sys::window().unwrap().document().unwrap();
        let host: HtmlElement = document.create_element("div").unwrap().unchecked_into();
        document.body().unwrap().append_child(&host).unwrap();
        let shown = RwSignal::new(Some("one"));
        let _mounted = leptos::mount::mount_to(host.clone(), move || {
            view! {
                <i>"before"</i>
                {move || Fresh(shown.get().map(|text| view! { <b>{text}</b> }))}
                <i>"after"</i>
            }
        });
        tick().await;
        assert_eq!(host.text_content().unwrap(), "beforeoneafter");
        let first = bold(&host).unwrap();

        shown.set(Some("two"));
        tick().await;
        assert_eq!(host.text_content().unwrap(), "beforetwoafter");
        assert!(!first.is_connected(), "the old view is removed, not patched");
        assert_eq!(host.query_selector_all("b").unwrap().length(), 1);

        shown.set(None);
        tick().await;
        assert_eq!(host.text_content().unwrap(), "beforeafter");
        assert!(bold(&host).is_none());

        shown.set(Some("three"));
        tick().await;
        assert_eq!(host.text_content().unwrap(), "beforethreeafter");
        host.remove();
    }
}
