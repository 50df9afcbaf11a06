// Readers who log in: the gateway's login (ConnectID's page in the sandbox), the form prefilled,
// an order in the reader's own name (flows 1a and 2a), "already yours", and logout. The session lives in
// an HttpOnly cookie; no token is ever visible to the page.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import {
  KASSE_URL, SANDBOX_URL, launch, newPage, screenshot, openWidget, fillReader, sandboxOrders, resetSandbox, setFaults,
  mountPrepaidGift,
} from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });
beforeEach(async () => { await setFaults({ rate: 0, kinds: [], seed: 1 }); await resetSandbox(); });

/** From the widget's "Log in" link through the sandbox's login page back to the article. */
async function logIn(page, host, email, offer = "digital-month") {
  await host.locator("a.kasse__login").click();
  await page.waitForURL((url) => url.href.startsWith(`${SANDBOX_URL}/user/oauth/authorize`), { timeout: 20000 });
  await page.locator("input[name=email]").fill(email);
  await page.locator("input[name=password]").fill("kasse-demo");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL((url) => url.href.startsWith(KASSE_URL), { timeout: 20000 });
  const back = page.locator(`[data-kasse-offer="${offer}"]`);
  await back.scrollIntoViewIfNeeded();
  return back;
}

/** A new page where Kari has logged in through the digital offer's widget; `created` collects
 *  the details of every `kasse:order-created` event. */
async function kariLoggedIn() {
  const page = await newPage(browser);
  const created = [];
  await page.exposeFunction("kasseEvent", (e) => created.push(e));
  await page.addInitScript(() => document.addEventListener("kasse:order-created", (e) => window.kasseEvent(e.detail)));
  const host = await logIn(page, await openWidget(page, "digital-month"), "kari.nordmann@example.no");
  await host.locator(".kasse__reader-name").waitFor({ timeout: 20000 });
  return { page, host, created };
}

test("log in, the form is prefilled, pay by card in the reader's own name (flow 1a), log out", async () => {
  const { page, host, created } = await kariLoggedIn();
  assert.equal(await host.locator(".kasse__reader-name").textContent(), "Kari Nordmann");
  assert.doesNotMatch(page.url(), /kasseLogin/, "the outcome is taken off the address bar");
  assert.equal(await host.locator("#email").inputValue(), "kari.nordmann@example.no");
  assert.equal(await host.locator("#firstName").inputValue(), "Kari");
  // The session is an HttpOnly cookie: nothing of it, and no token, where page scripts look.
  const visible = await page.evaluate(() => JSON.stringify({
    cookie: document.cookie, local: { ...localStorage }, session: { ...sessionStorage }, url: location.href,
  }));
  assert.doesNotMatch(visible, /kasse_session|access_token|refresh_token/, visible);
  const [cookie] = (await page.context().cookies()).filter((c) => c.name === "kasse_session");
  assert.ok(cookie, "the gateway set the session cookie");
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, "Lax");
  await screenshot(page, "login-prefilled");

  await host.locator("#postalCode").fill("0150");
  await host.locator("#acceptTerms").check();
  await host.locator("#method-creditcardPayex").check();
  await host.locator("button[type=submit]").click();
  await page.waitForURL((url) => url.href.startsWith(`${SANDBOX_URL}/user/fulfillment`), { timeout: 20000 });
  await page.getByRole("button", { name: "Pay" }).click();
  await page.waitForURL((url) => url.href.startsWith(KASSE_URL), { timeout: 20000 });
  await page.locator('[data-kasse-offer="digital-month"] .kasse__receipt').waitFor({ timeout: 20000 });
  const [order] = await sandboxOrders();
  assert.equal(order.mode, "user", "registered with the reader's own token");
  assert.equal(order.uniqueUserId, "6f1c1a8e-0000-4000-8000-000000000001");
  assert.equal(order.state, "completed");
  assert.equal(order.assignment ?? null, null, "no assign-user call for a logged-in reader");
  assert.equal(created[0]?.flow, "1a");
  assert.doesNotMatch(JSON.stringify(created), /kari|Kari|@/, "no personal data in events");

  // Logout: at the gateway and at ConnectID, back on the article, logged out.
  await page.reload();
  const again = page.locator('[data-kasse-offer="digital-month"]');
  await again.scrollIntoViewIfNeeded();
  await again.locator(".kasse__logout").click();
  await page.locator('[data-kasse-offer="digital-month"] a.kasse__login').waitFor({ timeout: 20000 });
  assert.ok(page.url().startsWith(KASSE_URL), "back on the article");
  // ConnectID was told: its logout page was visited for this article, and the tokens revoked.
  const logouts = await (await fetch(`${SANDBOX_URL}/__sandbox/logouts`)).json();
  assert.equal(logouts.length, 1, JSON.stringify(logouts));
  assert.ok(logouts[0].returnUrl.startsWith(KASSE_URL), logouts[0].returnUrl);
  const requests = await (await fetch(`${SANDBOX_URL}/__sandbox/requests`)).json();
  assert.ok(requests.some((r) => r.path === "/user/oauth/revoke" && r.status < 300), "the reader's tokens were revoked");
  // A reload does not bring the session back.
  await page.reload();
  await page.locator('[data-kasse-offer="digital-month"] a.kasse__login').waitFor({ timeout: 20000 });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("a reader who has the product already sees that, not a form", async () => {
  const page = await newPage(browser);
  const host = await logIn(page, await openWidget(page, "digital-month"), "ola.nordmann@example.no");
  await host.locator(".kasse__owned").waitFor({ timeout: 20000 });
  assert.equal(await host.locator("form").count(), 0);
  assert.match(await host.locator(".kasse__owned").textContent(), /allerede/);
  await page.context().close();
});

test("start the included subscription in one click; afterwards it is already yours", async () => {
  const page = await newPage(browser);
  await page.goto(`${KASSE_URL}/`);
  const start = page.locator('[data-kasse-offer="digital-included"]');
  await start.scrollIntoViewIfNeeded();
  await start.locator("a.kasse__login").waitFor({ timeout: 20000 });
  assert.match(await start.locator(".kasse__start").textContent(), /Logg inn for å aktivere/);
  const host = await logIn(page, start, "kari.nordmann@example.no", "digital-included");
  const activate = host.getByRole("button", { name: "Aktiver" });
  await activate.waitFor({ timeout: 20000 });
  await activate.click();
  await host.locator(".kasse__receipt").waitFor({ timeout: 20000 });
  const subscriptions = await (await fetch(`${SANDBOX_URL}/__sandbox/subscriptions`)).json();
  assert.equal(subscriptions.length, 1, "exactly one subscription");
  assert.equal(subscriptions[0].body.couponCode, "DIGIPAPIR");
  await page.reload();
  const again = page.locator('[data-kasse-offer="digital-included"]');
  await again.scrollIntoViewIfNeeded();
  await again.locator(".kasse__owned").waitFor({ timeout: 20000 });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("a logged-in reader's prepaid order (flow 2a) through Kasse.mount is hers, completed by API", async () => {
  const { page, created } = await kariLoggedIn();
  const { host: gift, voucher } = await mountPrepaidGift(page, "T-2A");
  await gift.locator(".kasse__reader-name").waitFor({ timeout: 20000 });
  await fillReader(gift);
  // Completed by API: the page is never left for a payment page.
  const visited = [];
  page.on("framenavigated", (frame) => { if (frame === page.mainFrame()) visited.push(frame.url()); });
  await gift.locator("button[type=submit]").click();
  await gift.locator(".kasse__receipt").waitFor({ timeout: 20000 });
  assert.deepEqual(visited, [], "no navigation for a prepaid order");
  const orders = await sandboxOrders();
  assert.equal(orders.length, 1, "exactly one order");
  const [order] = orders;
  assert.equal(order.mode, "user", "registered with the reader's own token");
  assert.equal(order.uniqueUserId, "6f1c1a8e-0000-4000-8000-000000000001");
  assert.equal(order.prepaid, true);
  assert.equal(order.state, "completed");
  assert.equal(order.assignment ?? null, null, "no assignment for a logged-in reader");
  const requests = await (await fetch(`${SANDBOX_URL}/__sandbox/requests`)).json();
  assert.deepEqual(requests.filter((r) => /\/order\/\d+\/user$/.test(r.path)), [], "no assign-user call");
  assert.equal(order.body.paymentInfoPayEx.transactionId, "T-2A");
  assert.equal(order.body.paymentInfoPayEx.voucher, undefined, "the voucher is for the gateway, not the vendor");
  assert.doesNotMatch(JSON.stringify(order), new RegExp(voucher.split(".")[2]), "no voucher anywhere in the order");
  assert.equal(created.at(-1)?.flow, "2a");
  await screenshot(page, "login-prepaid-2a");
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("a gateway too busy to read the session (429) is asked again: the reader stays logged in", async () => {
  const { page } = await kariLoggedIn();
  // Every session read in the first 800 ms is refused as a rate-limited gateway refuses it.
  let firstRefusal = null;
  let refused = 0;
  await page.route("**/kasse/v1/session", async (route) => {
    if (firstRefusal === null || Date.now() - firstRefusal < 800) {
      firstRefusal ??= Date.now();
      refused += 1;
      const body = { error: { code: "rate_limited", message: "too many requests", retryAfter: 1 } };
      return route.fulfill({
        status: 429, contentType: "application/json", headers: { "retry-after": "1" }, body: JSON.stringify(body),
      });
    }
    return route.continue();
  });
  await page.reload();
  const host = page.locator('[data-kasse-offer="digital-month"]');
  await host.scrollIntoViewIfNeeded();
  await host.locator(".kasse__reader-name").waitFor({ timeout: 20000 });
  assert.ok(refused >= 1, "the gateway was busy at first");
  // No widget on the page took the busy gateway for a reader who is logged out.
  for (let i = 0; i < 50 && (await page.locator("a.kasse__login").count()) > 0; i++) {
    await page.waitForTimeout(200);
  }
  assert.equal(await page.locator("a.kasse__login").count(), 0, "every widget shows the reader");
  await page.context().close();
});
