//! ConnectID payment methods and what each supports (the table on ConnectID's "Register order -
//! client mode" page).

use serde::{Deserialize, Serialize};

use crate::offer::{Backend, Offer};

/// A ConnectID `paymentMethod`, with the vendor's wire names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PaymentMethod {
    /// Invoice (no provider set-up needed).
    Invoice,
    /// SMS via Link Mobility.
    Sms,
    /// SMS payment.
    SmsPay,
    /// "Faste betalinger med Vipps".
    VippsRecurring,
    /// Klarna Checkout.
    Kco,
    /// Card via PayEx / Swedbank Pay.
    CreditcardPayex,
    /// Swish via PayEx.
    SwishPayex,
    /// Vipps single payment.
    VippsEcommerce,
    /// Nexi.
    Nexi,
    /// Anything the publisher handles outside ConnectID.
    Other,
}

/// One cell of ConnectID's support table: a tick, or the vendor's table left it blank.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    /// ✔ in the vendor's table.
    Tick,
    /// Empty in the vendor's table (or, for `other`, missing: the row ends after two cells).
    Blank,
}

use Cell::{Blank, Tick};

/// ConnectID's table, verbatim: `[recurring=true, recurring=false, prepaid=true, prepaid=false]`.
///
/// Reading of the blank cells (the vendor does not say what a blank means):
/// * A **blank in `prepaid=true`** means the method cannot carry a prepaid order. The text above
///   the table says "Some of the payment providers support recurring payment and prepayment":
///   prepayment is the capability a tick grants.
/// * A **blank in `prepaid=false`** is read as "no restriction", i.e. supported. Read literally,
///   `sms`, `smsPay`, `vippsRecurring` and `other` (blank in both prepaid columns) could never be
///   used at all, since every order is either prepaid or not; and `invoice` — the pay-later method
///   by definition, completed by the fulfillment API without the reader (ConnectID's order guide,
///   "Complete order by fulfillment API") — could only be prepaid. The fulfillment API's list also
///   names "prepaid `swishPayex`, `vippsEcommerce`", which implies non-prepaid ones exist (paid
///   during the fulfillment redirect).
///   Not-prepaid is the order model's default (`prepaid` defaults to false), so it needs no tick.
/// * The recurring columns are ticked in every row, so recurring never restricts a method.
pub const SUPPORT_TABLE: &[(PaymentMethod, [Cell; 4])] = &[
    (PaymentMethod::Invoice, [Tick, Tick, Tick, Blank]),
    (PaymentMethod::Sms, [Tick, Tick, Blank, Blank]),
    (PaymentMethod::SmsPay, [Tick, Tick, Blank, Blank]),
    (PaymentMethod::VippsRecurring, [Tick, Tick, Blank, Blank]),
    (PaymentMethod::Kco, [Tick, Tick, Tick, Tick]),
    (PaymentMethod::CreditcardPayex, [Tick, Tick, Tick, Tick]),
    (PaymentMethod::SwishPayex, [Tick, Tick, Tick, Blank]),
    (PaymentMethod::VippsEcommerce, [Tick, Tick, Tick, Blank]),
    (PaymentMethod::Nexi, [Tick, Tick, Tick, Tick]),
    (PaymentMethod::Other, [Tick, Tick, Blank, Blank]),
];

impl PaymentMethod {
    /// Every method, in the vendor table's order.
    pub const ALL: [PaymentMethod; 10] = [
        PaymentMethod::Invoice,
        PaymentMethod::Sms,
        PaymentMethod::SmsPay,
        PaymentMethod::VippsRecurring,
        PaymentMethod::Kco,
        PaymentMethod::CreditcardPayex,
        PaymentMethod::SwishPayex,
        PaymentMethod::VippsEcommerce,
        PaymentMethod::Nexi,
        PaymentMethod::Other,
    ];

    /// The vendor table's row for this method.
    pub fn cells(self) -> [Cell; 4] {
        SUPPORT_TABLE
            .iter()
            .find(|(m, _)| *m == self)
            .map(|(_, c)| *c)
            .unwrap_or([Blank; 4])
    }

    /// Whether an order with these `recurring`/`prepaid` flags may use this method, by the reading
    /// of blank cells written at [`SUPPORT_TABLE`].
    pub fn supports(self, recurring: bool, prepaid: bool) -> bool {
        let [rec_true, rec_false, pre_true, _pre_false] = self.cells();
        let recurring_ok = if recurring { rec_true == Tick } else { rec_false == Tick };
        // A blank prepaid=false cell means "no restriction" (see SUPPORT_TABLE).
        let prepaid_ok = !prepaid || pre_true == Tick;
        recurring_ok && prepaid_ok
    }

    /// The wire name (`"creditcardPayex"`).
    pub fn wire_name(self) -> &'static str {
        match self {
            PaymentMethod::Invoice => "invoice",
            PaymentMethod::Sms => "sms",
            PaymentMethod::SmsPay => "smsPay",
            PaymentMethod::VippsRecurring => "vippsRecurring",
            PaymentMethod::Kco => "kco",
            PaymentMethod::CreditcardPayex => "creditcardPayex",
            PaymentMethod::SwishPayex => "swishPayex",
            PaymentMethod::VippsEcommerce => "vippsEcommerce",
            PaymentMethod::Nexi => "nexi",
            PaymentMethod::Other => "other",
        }
    }

    /// Parses a wire name exactly (case-sensitive, as the vendor spells it).
    pub fn from_wire(s: &str) -> Option<PaymentMethod> {
        PaymentMethod::ALL.into_iter().find(|m| m.wire_name() == s)
    }

    /// Whether paying with this method needs the reader on the vendor's hosted pages (card, Vipps,
    /// Klarna…) when the order is not prepaid. `invoice`, `sms` and `other` do not: ConnectID's
    /// order guide lists them for completion by the fulfillment API and excludes `sms`/`other` from
    /// the fulfillment URL.
    pub fn is_interactive(self) -> bool {
        !matches!(self, PaymentMethod::Invoice | PaymentMethod::Sms | PaymentMethod::Other)
    }
}

impl PaymentMethod {
    /// Which ConnectID methods an offer may show: the offer's allowed methods, in the offer's order,
    /// without duplicates, that support the offer's recurring/prepaid combination. Empty for an S4
    /// offer (its methods are [`crate::s4::S4PaymentMethod`]s, see
    /// [`crate::s4::S4PaymentMethod::for_offer`]).
    pub fn for_offer(offer: &Offer) -> Vec<PaymentMethod> {
        if offer.backend != Backend::ConnectId {
            return Vec::new();
        }
        let mut out: Vec<PaymentMethod> = Vec::new();
        for &m in &offer.allowed_methods {
            if m.supports(offer.recurring, offer.prepaid) && !out.contains(&m) {
                out.push(m);
            }
        }
        out
    }
}
