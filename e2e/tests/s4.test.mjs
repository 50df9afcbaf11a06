// S4 end to end: a package with choices, paid by Vipps, MobilePay or SwedbankPay agreement or by
// invoice; demo page → widget → gateway → sandbox (terminal page) → back → complete → receipt.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import {
  KASSE_URL, SANDBOX_URL, KARI, launch, newPage, screenshot, openWidget, fillReader, resetSandbox, setFaults,
} from "./browser.mjs";

const OFFER = "s4-avis-velg";
const DIGITAL = "00000000-0000-0000-0000-000000000201";
const SUNDAY = "00000000-0000-0000-0000-000000000203";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });
beforeEach(async () => { await setFaults({ rate: 0, kinds: [], seed: 1 }); await resetSandbox(); });

async function control(path) {
  const response = await fetch(`${SANDBOX_URL}/__sandbox/${path}`);
  if (!response.ok) throw new Error(`/__sandbox/${path} answered ${response.status}`);
  return response.json();
}

/** Every S4 order the sandbox holds, and every S4 subscriber. */
const s4Orders = async () => (await control("orders")).filter((order) => order.api === "s4");
const s4Subscribers = () => control("s4/subscribers");

/** Fills the form, ticks the Sunday paper beside the default Digital, chooses `method`, submits. */
async function order(page, method) {
  const host = await openWidget(page, OFFER);
  await fillReader(host);
  const price = host.locator(".kasse__price");
  assert.match(await price.textContent(), /99/);
  await host.locator(`#product-${SUNDAY}`).check();
  await assert.doesNotReject(price.filter({ hasText: "149" }).waitFor({ timeout: 5000 }), "the price follows the choice");
  await host.locator(`#method-${method}`).check();
  await host.locator("button[type=submit]").click();
  return host;
}

/** On the sandbox's terminal page: press `button` (Approve or Cancel), then wait to be back. */
async function decide(page, button) {
  await page.waitForURL((url) => url.href.startsWith(`${SANDBOX_URL}/s4/terminal/`), { timeout: 20000 });
  await page.getByRole("button", { name: button }).click();
  await page.waitForURL((url) => url.href.startsWith(KASSE_URL), { timeout: 20000 });
}

/** The one order and the one subscriber the attempt made, with what the reader chose. */
async function theOneOrder(method) {
  const orders = await s4Orders();
  assert.equal(orders.length, 1, "exactly one S4 order");
  const subscribers = await s4Subscribers();
  assert.equal(subscribers.length, 1, "exactly one S4 subscriber");
  const [o] = orders;
  assert.equal(o.body.subscriberId, subscribers[0].id, "the order is the new subscriber's");
  assert.deepEqual(o.body.templatePackageChoices.products, [DIGITAL, SUNDAY], "exactly the chosen products");
  assert.equal(o.body.paymentAgreementParameters.paymentMethod, method);
  assert.equal(subscribers[0].contact.email, KARI.email);
  return o;
}

for (const method of ["Vipps", "MobilePay"]) {
  test(`${method}: choose, approve the agreement, receipt; one subscriber, one order`, async () => {
    const page = await newPage(browser);
    const events = [];
    await page.exposeFunction("kasseEvent", (e) => events.push(e));
    await page.addInitScript(() => {
      document.addEventListener("kasse:order-created", (e) => window.kasseEvent(e.detail));
    });
    await order(page, method);
    await decide(page, "Approve");
    const receipt = page.locator(`[data-kasse-offer="${OFFER}"] .kasse__receipt`);
    await receipt.waitFor({ timeout: 20000 });
    await screenshot(page, `s4-${method.toLowerCase()}-receipt`);
    const o = await theOneOrder(method);
    assert.equal(o.state, "Completed");
    assert.match(await receipt.textContent(), new RegExp(o.orderId, "i"));
    const vipps = o.body.paymentAgreementParameters.vippsMobilePayParameters;
    assert.equal(vipps.customerPhoneNumber, "+4791234567", "the reader's phone prefilled");
    assert.ok(vipps.merchantRedirectUrl.startsWith(KASSE_URL), vipps.merchantRedirectUrl);
    assert.equal(events.length, 1);
    assert.equal(events[0].backend, "s4");
    assert.equal(JSON.stringify(events[0]).includes(KARI.email), false, "no personal data in events");
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
}

test("Vipps: cancel on the terminal page → the form with the reader's data, the order cancelled", async () => {
  const page = await newPage(browser);
  const host = await order(page, "Vipps");
  await decide(page, "Cancel");
  const notice = host.locator(".kasse__notice");
  await notice.waitFor({ timeout: 20000 });
  assert.match(await notice.textContent(), /avbrutt|kansellert|cancel/i);
  assert.equal(await host.locator("#email").inputValue(), KARI.email, "nothing the reader typed is lost");
  assert.equal(await host.locator(`#product-${SUNDAY}`).isChecked(), true);
  await screenshot(page, "s4-vipps-cancelled");
  const orders = await s4Orders();
  assert.equal(orders.length, 1);
  assert.equal(orders[0].state, "Cancelled", "cancelled at the vendor");
  await page.context().close();
});

test("SwedbankPay: pay on the terminal page, back, receipt", async () => {
  const page = await newPage(browser);
  await order(page, "SwedbankPay");
  await decide(page, "Approve");
  await page.locator(`[data-kasse-offer="${OFFER}"] .kasse__receipt`).waitFor({ timeout: 20000 });
  const o = await theOneOrder("SwedbankPay");
  assert.equal(o.state, "Completed");
  const payex = o.body.paymentAgreementParameters.payExEcommerceParameters;
  assert.ok(payex.callbackUrl.endsWith("/kasse/v1/s4/callback"), payex.callbackUrl);
  assert.equal(payex.culture, "nb-NO");
  await page.context().close();
});

test("SwedbankPay: cancel on the terminal page → the form with the reader's data, the order cancelled", async () => {
  const page = await newPage(browser);
  const host = await order(page, "SwedbankPay");
  await decide(page, "Cancel");
  await host.locator(".kasse__notice").waitFor({ timeout: 20000 });
  assert.equal(await host.locator("#lastName").inputValue(), KARI.lastName);
  assert.equal(await host.locator("#method-SwedbankPay").isChecked(), true);
  const orders = await s4Orders();
  assert.equal(orders.length, 1);
  assert.equal(orders[0].state, "Cancelled");
  // Ordering again is a new attempt: a new order, paid this time.
  await host.locator("button[type=submit]").click();
  await decide(page, "Approve");
  await page.locator(`[data-kasse-offer="${OFFER}"] .kasse__receipt`).waitFor({ timeout: 20000 });
  const after = await s4Orders();
  assert.equal(after.length, 2);
  assert.deepEqual(after.map((o) => o.state).sort(), ["Cancelled", "Completed"]);
  await page.context().close();
});

test("invoice: straight to the receipt", async () => {
  const page = await newPage(browser);
  await order(page, "Invoice");
  await page.locator(`[data-kasse-offer="${OFFER}"] .kasse__receipt`).waitFor({ timeout: 20000 });
  const o = await theOneOrder("Invoice");
  assert.equal(o.state, "Completed");
  await page.context().close();
});

test("a Danish page shows Danish, and the S4 widget has no WCAG 2.2 AA violations axe can find", async () => {
  const page = await newPage(browser, { bypassCSP: true });
  await page.addInitScript(() => {
    document.addEventListener("DOMContentLoaded", () => document.documentElement.setAttribute("lang", "da"));
  });
  const host = await openWidget(page, OFFER);
  assert.equal(await host.locator("h2").textContent(), "Vælg din avis");
  assert.equal(await host.locator("label[for=lastName]").textContent(), "Efternavn");
  await page.addScriptTag({ path: new URL("../node_modules/axe-core/axe.min.js", import.meta.url).pathname });
  const audit = () => page.evaluate(async (offer) => {
    const result = await window.axe.run(`[data-kasse-offer="${offer}"]`, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  }, OFFER);
  assert.deepEqual(await audit(), [], "fresh form");
  await host.locator(`#product-${DIGITAL}`).uncheck();
  await host.locator("button[type=submit]").click();
  await host.locator("[aria-invalid=true]").first().waitFor();
  assert.deepEqual(await audit(), [], "form with errors");
  await page.context().close();
});

test("back from the terminal page in a tab that holds no order: a cancel says nothing, any other return says the state is unknown", async () => {
  for (const [query, expected] of [["fulfillmentStatus=cancel", null], ["", "e-post"]]) {
    const page = await newPage(browser);
    await page.goto(`${KASSE_URL}/?kasse=${OFFER}${query ? `&${query}` : ""}`);
    const host = page.locator(`[data-kasse-offer="${OFFER}"]`);
    await host.scrollIntoViewIfNeeded();
    await host.locator("form").waitFor({ timeout: 20000 });
    const notice = host.locator(".kasse__notice");
    if (expected) {
      await notice.waitFor({ timeout: 20000 });
      assert.match(await notice.textContent(), new RegExp(expected), query);
    } else {
      // The return is taken (the address bar cleaned) before anything would be said.
      await page.waitForURL((url) => !url.searchParams.has("kasse"), { timeout: 20000 });
      await page.waitForTimeout(500);
      assert.equal(await notice.count(), 0, "nothing to say after a cancel");
    }
    assert.deepEqual(page.problems, []);
    await page.context().close();
  }
});
