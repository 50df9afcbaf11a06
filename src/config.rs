//! What a publisher tells a widget: from `data-kasse-*` attributes or a `Kasse.mount` config object.

use kasse_core::connectid::PaymentInfoPayEx;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlElement;

/// A widget's configuration, complete and checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WidgetConfig {
    /// Offer id in the gateway's catalog, e.g. `digital-month`.
    pub offer: String,
    /// Base URL of the publisher's gateway; empty means the page's own origin.
    pub gateway: String,
    /// Explicit locale (`data-kasse-locale`), if the publisher set one.
    pub locale: Option<String>,
    /// For prepaid offers (flows 2a/2b): the payment the publisher's own payment integration
    /// already took, passed as
    /// `Kasse.mount(el, {offer, prepayment: {voucher, transactionId, merchantId}})`.
    pub prepayment: Option<Prepayment>,
    /// The offer as the gateway answers it, when the loader (or the publisher's page) fetched it
    /// already: `{…, preloadedOffer}`. Only used when it is the configured offer.
    pub preloaded_offer: Option<Box<kasse_core::contract::OfferInfo>>,
    /// False only for a rehearsal (`crate::rehearse`): the checkout then tells the page nothing
    /// and starts nothing. Never read from the page's configuration.
    pub live: bool,
    /// The loader showed the gateway's preview of the form and told the page `kasse:ready`
    /// already (`previewed: true`): the widget takes over without telling it again.
    pub previewed: bool,
}

/// A prepaid offer's proof of payment, from the publisher.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prepayment {
    /// The voucher the publisher's server signed for this payment; the gateway registers a
    /// prepaid order only with it (sent as the `Kasse-Prepayment` header, never in the order).
    pub voucher: Option<String>,
    /// The payment's facts (`transactionId`, `merchantId`, …): the order's `paymentInfoPayEx`.
    pub info: PaymentInfoPayEx,
}

impl Prepayment {
    /// Reads `{voucher, transactionId, merchantId, …}`: the voucher apart, the rest must be
    /// `paymentInfoPayEx` exactly (an unknown key is a configuration error, not a silent drop).
    pub fn from_json(text: &str) -> Option<Prepayment> {
        Prepayment::from_js(js_sys::JSON::parse(text).ok()?)
    }

    /// Reads the `prepayment` object of `Kasse.mount`'s config (see [`Prepayment::from_json`]).
    pub fn from_js(value: JsValue) -> Option<Prepayment> {
        if !value.is_object() || js_sys::Array::is_array(&value) {
            return None;
        }
        // A copy: the publisher's object stays as it was.
        let rest = js_sys::Object::assign(&js_sys::Object::new(), value.unchecked_ref());
        let key = JsValue::from_str("voucher");
        let voucher = js_sys::Reflect::get(&rest, &key).ok()?;
        js_sys::Reflect::delete_property(&rest, &key).ok()?;
        let voucher = match voucher {
            v if v.is_undefined() || v.is_null() => None,
            v => Some(v.as_string()?),
        };
        let info = crate::json::from_js(rest.into())?;
        Some(Prepayment { voucher, info })
    }
}

/// Why a widget could not be configured; shown in the host element and on the console.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigProblem {
    /// Neither `data-kasse-offer` nor `config.offer` was given.
    MissingOffer,
    /// `config.prepayment` is not `{transactionId, merchantId, …}` (a prepayment is ConnectID's).
    #[cfg(feature = "connectid")]
    BadPrepayment,
}

impl ConfigProblem {
    /// What the publisher reads in the host element and on the console, after "Kasse: ".
    pub fn message(&self) -> &'static str {
        match self {
            ConfigProblem::MissingOffer => {
                "no offer configured: add data-kasse-offer=\"<offer id>\" to the host element"
            }
            #[cfg(feature = "connectid")]
            ConfigProblem::BadPrepayment => {
                "config.prepayment must be an object like {transactionId: \"…\", merchantId: \"…\"}"
            }
        }
    }
}

impl std::fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl WidgetConfig {
    /// Reads the configuration: keys of the `config` object win over the host's attributes, so a
    /// single-page app can mount the same element with different offers.
    pub fn from_host(host: &HtmlElement, config: &JsValue) -> Result<Self, ConfigProblem> {
        let read = |key: &str, attribute: &str| -> Option<String> {
            js_string(config, key)
                .or_else(|| host.get_attribute(attribute))
                .map(|value| value.trim().to_owned())
                .filter(|value| !value.is_empty())
        };
        let offer = read("offer", "data-kasse-offer").ok_or(ConfigProblem::MissingOffer)?;
        // A prepayment is ConnectID's (order flows 2a/2b): a bundle without it does not read one.
        #[cfg(feature = "connectid")]
        let prepayment = match js_field(config, "prepayment") {
            None => None,
            Some(value) => Some(Prepayment::from_js(value).ok_or(ConfigProblem::BadPrepayment)?),
        };
        #[cfg(not(feature = "connectid"))]
        let prepayment = None;
        // Unreadable, or another offer's: ignored, and the widget asks the gateway itself.
        let preloaded_offer = js_field(config, "preloadedOffer")
            .and_then(crate::json::from_js::<kasse_core::contract::OfferInfo>)
            .filter(|info| info.offer.id == offer)
            .map(Box::new);
        Ok(WidgetConfig {
            offer,
            gateway: read("gateway", "data-kasse-gateway").unwrap_or_default(),
            locale: read("locale", "data-kasse-locale"),
            prepayment,
            preloaded_offer,
            live: true,
            previewed: js_field(config, "previewed").is_some_and(|v| v.is_truthy()),
        })
    }
}

fn js_field(object: &JsValue, key: &str) -> Option<JsValue> {
    if !object.is_object() {
        return None;
    }
    js_sys::Reflect::get(object.unchecked_ref(), &JsValue::from_str(key))
        .ok()
        .filter(|value| !value.is_undefined() && !value.is_null())
}

fn js_string(object: &JsValue, key: &str) -> Option<String> {
    js_field(object, key).and_then(|value| value.as_string())
}
