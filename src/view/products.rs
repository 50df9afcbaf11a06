//! An S4 package's products: a checkbox for each the reader may tick, with its price.

use kasse_core::{format_price, MessageKey};
use leptos::prelude::*;

use super::choices::choice_group;
use super::fields::PRODUCTS;
use crate::app::Checkout;

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
                        checked=untrack(&ticked)
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
