//! The form's choices: the payment method (either back end's, from kasse-core), under a legend
//! with its error line.

use kasse_core::checkout::method_choices;
use kasse_core::{t, MessageKey};
use leptos::prelude::*;

use super::fields::{described_by_error, error_line, invalid, FieldIds, METHOD};
use crate::app::Checkout;

/// The offer's payment methods as radio buttons.
pub fn methods_field(checkout: Checkout) -> impl IntoView {
    let locale = checkout.locale;
    let methods = checkout.info.with_value(|i| method_choices(&i.offer));
    let radios = methods
        .into_iter()
        .map(|method| {
            let wire = method.wire;
            let id = ["method-", wire].concat();
            let label_for = id.clone();
            view! {
                <label class="kasse__choice" for=label_for>
                    <input
                        type="radio"
                        id=id
                        name=METHOD.field
                        value=wire
                        // The first state as an attribute too: the gateway's preview renders
                        // attributes, not properties (`crate::preview`).
                        checked=checkout.form.with_untracked(|f| f.method == wire)
                        prop:checked=move || checkout.form.with(|f| f.method == wire)
                        on:change:capture=move |_| checkout.edit(METHOD.field, |f| f.method = wire.to_owned())
                    />
                    {t(locale, method.label)}
                </label>
            }
        })
        .collect_view();
    choice_group(checkout, METHOD, "kasse__methods", MessageKey::PaymentMethod, radios)
}

/// The choices of the field with `ids` under their legend, with the field's error line. The group takes
/// focus (`tabindex="-1"`) when it is the first invalid field, and carries the invalid state.
pub(super) fn choice_group(
    checkout: Checkout,
    ids: FieldIds,
    class: &'static str,
    legend: MessageKey,
    choices: impl IntoView,
) -> impl IntoView {
    view! {
        <fieldset
            class=class
            id=ids.field
            tabindex="-1"
            aria-invalid=invalid(checkout, ids)
            aria-describedby=described_by_error(checkout, ids)
        >
            <legend>{t(checkout.locale, legend)}</legend>
            {choices}
            {error_line(checkout, ids)}
        </fieldset>
    }
}
