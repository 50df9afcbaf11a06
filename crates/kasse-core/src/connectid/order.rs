//! ConnectID (Mediaconnect / Unite) client-order payloads, with the vendor's exact wire names.
//!
//! The order types refuse fields they do not know: an order from a browser is checked field by
//! field against the offer, and a field no rule knows must not slip through to the vendor.
//!
//! Optional fields are `Option`s that are left out of the JSON when absent, never sent as `null`:
//! the vendor's sample never shows a `null`, and an explicit `null` may clear a stored value on an
//! API that merges. Amounts are [`Money`] (minor units inside, major units on the wire).

use serde::{Deserialize, Serialize};

use super::PaymentMethod;
use crate::money::Money;

/// `POST /v1/client/order` (and its user-mode twin `POST /v1/order`): register an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientOrder {
    /// The shop's own order id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_order_id: Option<String>,
    /// Epoch milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_date: Option<i64>,
    /// How the reader pays.
    pub payment_method: PaymentMethod,
    /// Payment provider merchant id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_id: Option<String>,
    /// Σ quantity × unitPrice.
    pub order_amount: Money,
    /// ISO 4217 code, kept as the string sent so validation can report a bad one at `currency`.
    pub currency: String,
    /// Marketing coupon code (with `marketingCouponNumber`, both or neither).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marketing_coupon_code: Option<String>,
    /// Marketing coupon number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marketing_coupon_number: Option<i64>,
    /// Campaign query string, e.g. `?param=Datanews&param2=Dataold`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign_parameters: Option<String>,
    /// Company (publisher) code, ≤ 12.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_code: Option<String>,
    /// Customer reference, ≤ 37.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_reference: Option<String>,
    /// ConnectID user id, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique_user_id: Option<String>,
    /// Seller code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller: Option<String>,
    /// Sales method code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_method: Option<String>,
    /// Renews automatically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurring: Option<bool>,
    /// Paid before registration (vendor default: false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prepaid: Option<bool>,
    /// Who pays (always required).
    pub payer: Party,
    /// One or more lines.
    pub order_lines: Vec<OrderLine>,
    /// PayEx payment facts (spelt `paymentInfoPayEx`, as in ConnectID's example order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_info_pay_ex: Option<PaymentInfoPayEx>,
}

/// A payer or receiver (the same shape on the wire).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Party {
    /// Existing customer number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_number: Option<i64>,
    /// Organisation number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_registration_number: Option<String>,
    /// Company name (this or `lastName` is required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    /// Department code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Department name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_name: Option<String>,
    /// National identity number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persons_social_security_number: Option<String>,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Middle name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    /// Last name (this or `companyName` is required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// c/o address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub co_address: Option<String>,
    /// Care-of address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub care_of_address: Option<String>,
    /// Street name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// House number (an integer on the wire).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_number: Option<i64>,
    /// Entrance letter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entrance: Option<String>,
    /// Floor type (`H`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor_type: Option<String>,
    /// Floor number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<i64>,
    /// Suite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suite: Option<String>,
    /// Postal code (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Postal place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_place: Option<String>,
    /// Post-box address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_address: Option<String>,
    /// Post-box postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_address_postal_code: Option<String>,
    /// Post-box postal place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_address_postal_place: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// Epoch milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<i64>,
    /// `female`, `male`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<String>,
    /// E-mail addresses (this or `phoneNumbers` is required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emails: Option<Vec<String>>,
    /// E.164 phone numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_numbers: Option<Vec<String>>,
    /// Where invoices go.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_email_address: Option<String>,
    /// Address categories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<Category>>,
    /// Marketing permissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<Permission>>,
    /// Privacy purposes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy: Option<Vec<Privacy>>,
}

impl Party {
    /// What the party can claim an order with (ConnectID's assign user): the first e-mail, else
    /// the first phone number.
    pub fn credential(&self) -> Option<&str> {
        fn first(list: &Option<Vec<String>>) -> Option<&str> {
            list.as_deref()?.first().map(String::as_str)
        }
        first(&self.emails).or_else(|| first(&self.phone_numbers))
    }
}

/// `categories[]` on a party.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Category {
    /// Category code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_category: Option<String>,
    /// Free value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_value: Option<String>,
}

/// `permissions[]` on a party.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Permission {
    /// Enterprise code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_code: Option<String>,
    /// Order type code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_type_code: Option<String>,
    /// Channels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<String>>,
    /// Channel code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_code: Option<String>,
    /// Permission type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission_type: Option<String>,
}

/// `privacy[]` on a party.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Privacy {
    /// Enterprise code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_code: Option<String>,
    /// Order type code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_type_code: Option<String>,
    /// Purpose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
}

/// What an order line refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ProductSpecType {
    /// Coupon: `productSpecCode` + `productSpecNo`.
    Coupon,
    /// Product: `product`.
    Product,
    /// Issue: code + number + `product`.
    Issue,
    /// Article: `articleDetail`.
    Article,
}

/// One line of an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrderLine {
    /// What the line refers to.
    pub product_spec_type: ProductSpecType,
    /// Coupon (or issue) code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_spec_code: Option<String>,
    /// Coupon (or issue) number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_spec_no: Option<i64>,
    /// Product code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Number of copies, ≥ 1.
    pub quantity: i64,
    /// Price per unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<Money>,
    /// Promotion code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_code: Option<String>,
    /// Category code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_code: Option<String>,
    /// Voucher code, ≤ 36.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voucher_code: Option<String>,
    /// Temporary access product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_access_product: Option<String>,
    /// Temporary access category type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_access_category_type: Option<String>,
    /// Temporary access length in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_access_seconds: Option<i64>,
    /// When the subscription starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_info: Option<StartInfo>,
    /// Reward partner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reward_partner_id: Option<i64>,
    /// Reward.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reward_id: Option<String>,
    /// Article details (for `article` lines).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article_detail: Option<ArticleDetail>,
    /// Receiver when not the payer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver: Option<Party>,
}

/// `startInfo` of an order line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StartInfo {
    /// Epoch milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<i64>,
    /// Issue designation, e.g. `2019-10`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_issue: Option<String>,
}

/// `articleDetail` of an article line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ArticleDetail {
    /// Company code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_code: Option<String>,
    /// Product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Article reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article_ref: Option<String>,
    /// Article description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article_desc: Option<String>,
    /// Article category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article_category: Option<String>,
}

/// `paymentInfoPayEx`: facts of a payment already made with PayEx.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PaymentInfoPayEx {
    /// PayEx transaction id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    /// Merchant id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_id: Option<String>,
    /// Token for later recurring charges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence_token: Option<String>,
    /// The card used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_details: Option<CardDetails>,
}

/// `cardDetails` inside `paymentInfoPayEx`. Month and year are strings on the wire (`"10"`, `"24"`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CardDetails {
    /// Masked PAN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_masked_pan: Option<String>,
    /// `01`–`12`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp_month: Option<String>,
    /// Two or four digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp_year: Option<String>,
    /// Issuing bank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuing_bank: Option<String>,
    /// Brand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_brand: Option<String>,
    /// 3-D Secure enrolled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_pan_enrolled: Option<bool>,
}
