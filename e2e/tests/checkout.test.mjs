// The reader's flows end to end: demo page → widget → gateway → sandbox (and back).
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import {
  KASSE_URL, SANDBOX_URL, KARI, launch, newPage, screenshot, openWidget, fillReader,
  sandboxOrders, resetSandbox, setFaults, mountPrepaidGift,
} from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });
beforeEach(async () => { await setFaults({ rate: 0, kinds: [], seed: 1 }); await resetSandbox(); });

test("flow 1b by card: payment page, Pay, back, receipt; one order matching the form", async () => {
  const page = await newPage(browser);
  const host = await openWidget(page, "digital-month");
  await fillReader(host);
  await host.locator("#method-creditcardPayex").check();
  await screenshot(page, "card-form");
  // The order token the gateway answers must never travel in a URL.
  const tokens = [];
  await page.route(/\/kasse\/v1\/connectid\/orders\?/, async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    tokens.push(body.orderToken);
    await route.fulfill({ response, json: body });
  });
  const visited = [];
  page.on("framenavigated", (frame) => { if (frame === page.mainFrame()) visited.push(frame.url()); });
  await host.locator("button[type=submit]").click();

  await page.waitForURL((url) => url.href.startsWith(`${SANDBOX_URL}/user/fulfillment`), { timeout: 20000 });
  await page.getByRole("button", { name: "Pay" }).click();
  await page.waitForURL((url) => url.href.startsWith(KASSE_URL), { timeout: 20000 });
  const receipt = page.locator('[data-kasse-offer="digital-month"] .kasse__receipt');
  await receipt.waitFor({ timeout: 20000 });
  await screenshot(page, "card-receipt");

  const orders = await sandboxOrders();
  assert.equal(orders.length, 1, "exactly one order");
  const [order] = orders;
  assert.equal(order.state, "completed");
  assert.match(await receipt.textContent(), new RegExp(String(order.orderId)));
  const body = order.body;
  assert.equal(body.paymentMethod, "creditcardPayex");
  assert.equal(body.orderAmount, 149);
  assert.equal(body.currency, "NOK");
  assert.equal(body.recurring, true);
  assert.deepEqual(body.payer.emails, [KARI.email]);
  assert.deepEqual(body.payer.phoneNumbers, ["+4791234567"], "phone normalised to E.164");
  assert.equal(body.payer.firstName, KARI.firstName);
  assert.equal(body.payer.lastName, KARI.lastName);
  assert.equal(body.payer.postalCode, KARI.postalCode);
  assert.equal(body.orderLines.length, 1);
  assert.equal(body.orderLines[0].productSpecCode, "DIGI1M");
  assert.ok(order.assignment, "the reader was given access (assign user)");
  assert.equal(tokens.length, 1);
  assert.match(tokens[0] ?? "", /^[A-Za-z0-9_-]{22}$/, "the registration answered an order token");
  assert.ok(visited.length >= 2, "to the payment page and back");
  for (const url of visited) assert.ok(!url.includes(tokens[0]), `no order token in ${url}`);
  // The address bar no longer carries the return parameters; a reload shows no second receipt.
  assert.doesNotMatch(page.url(), /fulfillmentStatus/);
  const stored = await page.evaluate(() => sessionStorage.length);
  assert.equal(stored, 0, "nothing personal left in sessionStorage after success");
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("cancel on the payment page brings the reader back to the form with the data intact", async () => {
  const page = await newPage(browser);
  const host = await openWidget(page, "digital-month");
  await fillReader(host);
  await host.locator("button[type=submit]").click();
  await page.waitForURL((url) => url.href.startsWith(`${SANDBOX_URL}/user/fulfillment`), { timeout: 20000 });
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.waitForURL((url) => url.href.startsWith(KASSE_URL), { timeout: 20000 });
  const back = page.locator('[data-kasse-offer="digital-month"]');
  await back.scrollIntoViewIfNeeded();
  await back.locator("[role=alert]").waitFor({ timeout: 20000 });
  assert.match(await back.locator("[role=alert]").textContent(), /avbrutt/);
  for (const [id, value] of Object.entries(KARI)) {
    assert.equal(await back.locator(`#${id}`).inputValue(), value, `${id} kept`);
  }
  const [order] = await sandboxOrders();
  assert.equal(order.state, "cancelled");

  // Paying again makes a new order (the cancelled one is over), not a replay of the old one.
  await back.locator("button[type=submit]").click();
  await page.waitForURL((url) => url.href.startsWith(`${SANDBOX_URL}/user/fulfillment`), { timeout: 20000 });
  const orders = await sandboxOrders();
  assert.equal(orders.length, 2);
  assert.notEqual(orders[0].externalOrderId, orders[1].externalOrderId);
  await page.context().close();
});

test("a return whose status is garbled asks the gateway, which finds the order paid: receipt, no second order", async () => {
  const page = await newPage(browser);
  const host = await openWidget(page, "digital-month");
  await fillReader(host);
  await host.locator("#method-creditcardPayex").check();
  await host.locator("button[type=submit]").click();
  await page.waitForURL((url) => url.href.startsWith(`${SANDBOX_URL}/user/fulfillment`), { timeout: 20000 });
  // The way back loses its status (a proxy, an app switch): the widget cannot tell it was paid.
  let garbledReturns = 0;
  await page.route(`${SANDBOX_URL}/user/fulfillment/decision`, async (route) => {
    const response = await route.fetch({ maxRedirects: 0 });
    const location = response.headers()["location"] ?? "";
    if (!location.includes("fulfillmentStatus=success")) return route.fulfill({ response });
    garbledReturns += 1;
    const garbled = location.replace("fulfillmentStatus=success", "fulfillmentStatus=succ%C3%A9ss");
    return route.fulfill({ status: 303, headers: { location: garbled } });
  });
  await page.getByRole("button", { name: "Pay" }).click();
  await page.waitForURL((url) => url.href.startsWith(KASSE_URL), { timeout: 20000 });
  const receipt = page.locator('[data-kasse-offer="digital-month"] .kasse__receipt');
  await receipt.waitFor({ timeout: 20000 });
  assert.equal(garbledReturns, 1, "the return came back garbled");
  assert.doesNotMatch(page.url(), /fulfillmentStatus=success/);
  const orders = await sandboxOrders();
  assert.equal(orders.length, 1, "exactly one order");
  assert.ok(orders[0].assignment, "the paid order's access was given, after the gateway asked the vendor");
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("back from the payment page with the back button, paying again continues the same order", async () => {
  const page = await newPage(browser);
  const host = await openWidget(page, "digital-month");
  await fillReader(host);
  await host.locator("button[type=submit]").click();
  await page.waitForURL((url) => url.href.startsWith(`${SANDBOX_URL}/user/fulfillment`), { timeout: 20000 });
  const first = new URL(page.url()).searchParams.get("orderId");
  await page.goBack();
  const back = page.locator('[data-kasse-offer="digital-month"]');
  await back.scrollIntoViewIfNeeded();
  await back.locator("form").waitFor({ timeout: 20000 });
  assert.equal(await back.locator("#email").inputValue(), KARI.email, "the draft is still there");
  await back.locator("button[type=submit]").click();
  await page.waitForURL((url) => url.href.startsWith(`${SANDBOX_URL}/user/fulfillment`), { timeout: 20000 });
  assert.equal(new URL(page.url()).searchParams.get("orderId"), first, "the same order");
  assert.equal((await sandboxOrders()).length, 1, "no second order");
  await page.context().close();
});

test("invoice: completed by API and access assigned, without leaving the page", async () => {
  const page = await newPage(browser);
  const host = await openWidget(page, "invoice-year");
  await fillReader(host);
  await host.locator("button[type=submit]").click();
  await host.locator(".kasse__receipt").waitFor({ timeout: 20000 });
  // The form, with the button pressed, is gone: focus follows the reader to the receipt.
  await page.waitForFunction(
    () => document.querySelector('[data-kasse-offer="invoice-year"]').shadowRoot.activeElement?.classList.contains("kasse__receipt"),
    null,
    { timeout: 5000 },
  );
  assert.ok(page.url().startsWith(KASSE_URL), "never left the article");
  const orders = await sandboxOrders();
  assert.equal(orders.length, 1);
  assert.equal(orders[0].body.paymentMethod, "invoice");
  assert.equal(orders[0].body.payer.street, "Osloveien 12", "the paper's delivery address");
  assert.equal(orders[0].body.payer.postalPlace, "Oslo");
  assert.equal(orders[0].state, "completed");
  assert.ok(orders[0].assignment, "assign user ran");
  await page.context().close();
});

test("on a phone, a failure after a press is brought into view, and focus stays on the button", async () => {
  const page = await newPage(browser);
  await page.setViewportSize({ width: 390, height: 640 });
  const host = await openWidget(page, "invoice-year");
  await fillReader(host);
  await setFaults({ rate: 1, kinds: ["500"], seed: 1 });
  const submit = host.locator("button[type=submit]");
  await submit.scrollIntoViewIfNeeded();
  const inView = (el) => {
    const box = el.getBoundingClientRect();
    return box.top >= -1 && box.bottom <= window.innerHeight + 1; // subpixel rounding
  };
  assert.equal(await host.locator(".kasse__title").evaluate(inView), false, "the top of the form is out of view");
  await submit.focus();
  await page.keyboard.press("Enter");
  const notice = host.locator(".kasse__notice");
  await notice.waitFor({ timeout: 20000 });
  await page.waitForFunction(inView, await notice.elementHandle(), { timeout: 5000 });
  assert.equal(await host.evaluate((el) => el.shadowRoot.activeElement?.id), "kasse-submit", "focus stays where the reader pressed");
  await page.context().close();
});

test("a prepaid order (flow 2b) through Kasse.mount is completed by API", async () => {
  const page = await newPage(browser);
  await page.goto(`${KASSE_URL}/`);
  const { host } = await mountPrepaidGift(page, "T-4711");
  await host.locator("form").waitFor({ timeout: 20000 });
  await fillReader(host);
  await host.locator("button[type=submit]").click();
  await host.locator(".kasse__receipt").waitFor({ timeout: 20000 });
  const [order] = await sandboxOrders();
  assert.equal(order.prepaid, true);
  assert.equal(order.state, "completed");
  assert.equal(order.body.paymentInfoPayEx.transactionId, "T-4711");
  assert.equal(order.body.paymentInfoPayEx.voucher, undefined, "the voucher is for the gateway, not the vendor");
  await page.context().close();
});

test("validation errors are shown in the reader's language and nothing is sent", async () => {
  const page = await newPage(browser);
  const host = await openWidget(page, "digital-month");
  await host.locator("#email").fill("kari@");
  await host.locator("#postalCode").fill("12");
  await host.locator("button[type=submit]").click();
  await host.locator("#email[aria-invalid=true]").waitFor();
  assert.equal(await host.locator("#email-error").textContent(), "Skriv en gyldig e-postadresse.");
  assert.equal(await host.locator("#postalCode-error").textContent(), "Skriv et gyldig postnummer.");
  await screenshot(page, "validation");
  assert.deepEqual(await sandboxOrders(), []);
  await page.context().close();
});

test("with faults on and double clicks, each attempt makes exactly one order", async () => {
  await setFaults({ rate: 0.4, kinds: ["500", "429", "drop"], seed: 7, latency_ms: 50 });
  const page = await newPage(browser);
  const host = await openWidget(page, "invoice-year");
  await fillReader(host);
  const submit = host.locator("button[type=submit]");
  await submit.dblclick();
  await submit.click({ force: true }).catch(() => {});
  // Either the receipt or a retry button (when the faults outlast the retries); retry until done.
  for (let round = 0; round < 6; round++) {
    const done = host.locator(".kasse__receipt");
    const retry = host.locator("button.kasse__retry");
    await Promise.race([done.waitFor({ timeout: 30000 }), retry.waitFor({ timeout: 30000 })]);
    if (await done.isVisible()) break;
    await retry.click();
  }
  await host.locator(".kasse__receipt").waitFor({ timeout: 30000 });
  await setFaults({ rate: 0, kinds: [], seed: 1 });
  // The faults did strike the order's calls (else this test would prove nothing).
  const requests = await (await fetch(`${SANDBOX_URL}/__sandbox/requests`)).json();
  const struck = requests.filter((r) => r.fault && r.path.startsWith("/capi/"));
  assert.ok(struck.length > 0, "faults were injected");
  const orders = await sandboxOrders();
  assert.equal(orders.length, 1, `one order, got ${orders.map((o) => o.externalOrderId).join(", ")}`);
  assert.equal(orders[0].state, "completed");
  await page.context().close();
});

test("an invoice completed before a failure is continued by the retry, whatever the reader edits since", async () => {
  const page = await newPage(browser);
  const host = await openWidget(page, "invoice-year");
  await fillReader(host);
  // The vendor invoices (register, complete), then linking the reader's access fails.
  await setFaults({ rate: 1, kinds: ["500"], seed: 1, path: "/user" });
  await host.locator("button[type=submit]").click();
  const retry = host.locator(".kasse__retry");
  await retry.waitFor({ timeout: 20000 });
  assert.equal((await sandboxOrders())[0]?.state, "completed", "invoiced before the failure");
  // The form is still there: the reader corrects their name and e-mail, then retries.
  await host.locator("#firstName").fill("Karianne");
  await host.locator("#email").fill("karianne@example.no");
  await setFaults({ rate: 0, kinds: [], seed: 1 });
  await retry.click();
  await host.locator(".kasse__receipt").waitFor({ timeout: 20000 });
  const orders = await sandboxOrders();
  assert.equal(orders.length, 1, "the invoiced order is finished, not made again");
  assert.ok(orders[0].assignment, "and the reader got access to it");
  // A submit after the receipt's reload would be a new order; the stored attempt is gone.
  const stored = await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.endsWith(":attempt")));
  assert.deepEqual(stored, []);
  await page.context().close();
});

test("marketing consent: an unticked box sends nothing, a ticked one exactly one consent event", async () => {
  const consents = async () => (await fetch(`${SANDBOX_URL}/__sandbox/consents`)).json();
  for (const tick of [false, true]) {
    const page = await newPage(browser);
    const host = await openWidget(page, "digital-month");
    await fillReader(host);
    const box = host.locator("#marketingConsent");
    await box.waitFor({ timeout: 20000 });
    assert.equal(await box.isChecked(), false, "never ticked for the reader");
    assert.match(await host.locator("label[for=marketingConsent]").textContent(), /^Ja, /);
    if (tick) await box.check();
    await host.locator("#method-creditcardPayex").check();
    await host.locator("button[type=submit]").click();
    await page.waitForURL((url) => url.href.startsWith(`${SANDBOX_URL}/user/fulfillment`), { timeout: 20000 });
    await page.getByRole("button", { name: "Pay" }).click();
    await page.waitForURL((url) => url.href.startsWith(KASSE_URL), { timeout: 20000 });
    await page.locator('[data-kasse-offer="digital-month"] .kasse__receipt').waitFor({ timeout: 20000 });
    // The event follows the receipt: give it a moment, then count.
    await page.waitForTimeout(1500);
    const events = await consents();
    assert.equal(events.length, tick ? 1 : 0, JSON.stringify(events));
    if (tick) {
      const [order] = (await sandboxOrders()).slice(-1);
      assert.equal(events[0].subjectType, "ORDER");
      assert.equal(events[0].subject, String(order.orderId));
      assert.equal(events[0].action, true);
    }
    await page.context().close();
  }
});
