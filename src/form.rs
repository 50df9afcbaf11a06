//! The checkout form a reader fills in.

use leptos::prelude::*;

use crate::config::WidgetConfig;

/// One labelled input of the checkout form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    /// The element id inside the shadow root, also the name the core uses for the field.
    pub id: &'static str,
    /// The visible label.
    pub label: &'static str,
    /// `type` attribute, so mobile keyboards and validation fit the content.
    pub input_type: &'static str,
    /// `autocomplete` token, so browsers and password managers fill the field.
    pub autocomplete: &'static str,
    /// `inputmode`, for the right on-screen keyboard.
    pub inputmode: &'static str,
}

/// The reader's fields, in the order they are shown.
pub const FIELDS: [FieldSpec; 5] = [
    FieldSpec { id: "firstName", label: "First name", input_type: "text", autocomplete: "given-name", inputmode: "text" },
    FieldSpec { id: "lastName", label: "Last name", input_type: "text", autocomplete: "family-name", inputmode: "text" },
    FieldSpec { id: "email", label: "E-mail", input_type: "email", autocomplete: "email", inputmode: "email" },
    FieldSpec { id: "phone", label: "Mobile phone", input_type: "tel", autocomplete: "tel", inputmode: "tel" },
    FieldSpec { id: "postalCode", label: "Postal code", input_type: "text", autocomplete: "postal-code", inputmode: "numeric" },
];

/// The checkout form for one offer.
#[component]
pub fn CheckoutForm(
    /// Which offer to sell and where the gateway is.
    config: WidgetConfig,
) -> impl IntoView {
    let offer = config.offer.clone();
    view! {
        <form class="kasse" novalidate=true data-offer=offer on:submit=|ev| ev.prevent_default()>
            <h2 class="kasse__title">"Subscribe"</h2>
            {FIELDS
                .iter()
                .map(|field| {
                    view! {
                        <div class="kasse__field">
                            <label for=field.id>{field.label}</label>
                            <input
                                id=field.id
                                name=field.id
                                type=field.input_type
                                autocomplete=field.autocomplete
                                inputmode=field.inputmode
                            />
                        </div>
                    }
                })
                .collect_view()}
            <button type="submit" class="kasse__submit">"Continue to payment"</button>
        </form>
    }
}
