//! The form's choices: the payment method (either back end's, from kasse-core), and for an S4
//! package the products the reader ticks, each with its price.

use kasse_core::checkout::method_choices;
use kasse_core::{format_price, t, MessageKey};
use leptos::prelude::*;

use super::fields::{described_by_error, error_line, invalid, FieldIds, METHOD, PRODUCTS};
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

/// An S4 package's products as checkboxes with their prices; nothing for other offers.
pub fn products_field(checkout: Checkout) -> impl IntoView {
    let locale = checkout.locale;
    // What the boxes show, read from the offer in place: copying the choices would link their
    // `Clone` (localized names are maps) for values used once.
    let choices: Vec<(String, String, String)> = checkout.info.with_value(|i| {
        let choices = i.offer.s4.as_ref().map(|t| t.choices.as_slice()).unwrap_or_default();
        choices
            .iter()
            .map(|c| {
                let price = format_price(c.price.0, &i.offer.currency, locale);
                (c.product.clone(), c.name.get(locale).to_owned(), price)
            })
            .collect()
    });
    if choices.is_empty() {
        return None;
    }
    let boxes = choices
        .into_iter()
        .map(|(product, name, price)| {
            let id = ["product-", product.as_str()].concat();
            let label_for = id.clone();
            let value = product.clone();
            let ticked = {
                let product = product.clone();
                move || {
                    checkout
                        .form
                        .with(|f| f.products.iter().any(|p| p.eq_ignore_ascii_case(&product)))
                }
            };
            let toggle = move |on: bool| {
                let product = product.clone();
                checkout.edit(PRODUCTS.field, move |f| {
                    f.products.retain(|p| !p.eq_ignore_ascii_case(&product));
                    if on {
                        f.products.push(product);
                    }
                })
            };
            view! {
                <label class="kasse__choice kasse__product" for=label_for>
                    <input
                        type="checkbox"
                        id=id
                        name=PRODUCTS.field
                        value=value
                        prop:checked=ticked
                        on:change:target:capture=move |ev| toggle(ev.target().checked())
                    />
                    <span class="kasse__product-name">{name}</span>
                    " "
                    <span class="kasse__product-price">{price}</span>
                </label>
            }
        })
        .collect_view();
    Some(choice_group(
        checkout,
        PRODUCTS,
        "kasse__products",
        MessageKey::ChooseProducts,
        boxes,
    ))
}

/// The choices of the field with `ids` under their legend, with the field's error line. The group takes
/// focus (`tabindex="-1"`) when it is the first invalid field, and carries the invalid state.
fn choice_group(
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
