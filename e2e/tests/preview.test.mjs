// The gateway's preview of the form (`GET /kasse/v1/offers/{id}/preview`, rendered from the
// widget's own views): a new reader sees and fills in the form while the bundle is on its way,
// and the widget takes over with nothing lost.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { KASSE_URL, launch, newPage, fillReader, KARI, resetSandbox, sandboxOrders } from "./browser.mjs";

const WASM = /\/widget\/kasse-[0-9a-f]{16}_bg\.wasm$/;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/**
 * An article with the loader and no widget yet, whose bundle is held until `page.release()`;
 * it records the page's `kasse:*` events and its preview requests.
 */
async function heldPage({ failing = false, csp } = {}) {
  const page = await newPage(browser);
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  page.release = release;
  // `failing`: once released, every request for the bundle's wasm fails (the loader retries).
  await page.route(WASM, async (route) => { await held; await (failing ? route.abort() : route.continue()); });
  await page.route(`${KASSE_URL}/`, (route) => route.fulfill({
    contentType: "text/html",
    headers: csp ? { "content-security-policy": csp } : {},
    body: '<!doctype html><html lang="nb"><body><div id="offers"></div><script type="module" src="/kasse.js"></script></body></html>',
  }));
  page.previews = [];
  page.on("request", (request) => { if (request.url().includes("/preview?")) page.previews.push(request.url()); });
  await page.goto(`${KASSE_URL}/`);
  await page.waitForFunction(() => window.Kasse);
  await page.evaluate(() => {
    window.kasseEvents = [];
    for (const type of ["ready", "step", "error"]) {
      document.addEventListener(`kasse:${type}`, (event) => window.kasseEvents.push(event.type));
    }
  });
  return page;
}

/** Starts `Kasse.mount` for `offer` in a new `#host` (not awaited: the bundle is held). */
async function startMount(page, offer) {
  await page.evaluate((offer) => {
    const host = document.createElement("div");
    host.id = "host";
    document.querySelector("#offers").append(host);
    window.mounted = window.Kasse.mount(host, { offer });
  }, offer);
  return page.locator("#host");
}

/** Whether the widget (not the preview) runs the host: its mount has resolved. */
const takenOver = (page) => page.evaluate(() => window.mounted.then(() => true));

test("a new reader fills in the gateway's preview before the bundle arrives, and the widget keeps it all", async () => {
  const page = await heldPage();
  const host = await startMount(page, "invoice-year");
  await host.locator("form #email").waitFor({ timeout: 10000 });
  assert.deepEqual(await page.evaluate(() => window.kasseEvents), ["kasse:ready"], "the form is there to fill in");
  assert.equal(page.previews.length, 1, `one preview: ${page.previews}`);
  // What the reader does while the bundle is held: types, chooses, ticks, and stays in a field.
  await fillReader(host);
  await host.locator("#countryCode").selectOption("SE");
  await host.locator("#method-invoice").check();
  await host.locator("#lastName").focus();
  await host.locator("#lastName").evaluate((el) => el.setSelectionRange(4, 4));

  page.release();
  assert.ok(await takenOver(page));
  assert.equal(await host.locator("#email").inputValue(), KARI.email, "typed text stays");
  assert.equal(await host.locator("#firstName").inputValue(), KARI.firstName);
  assert.equal(await host.locator("#countryCode").inputValue(), "SE", "the choice stays");
  assert.ok(await host.locator("#acceptTerms").isChecked(), "the tick stays");
  assert.ok(await host.locator("#method-invoice").isChecked(), "the method stays");
  const focus = await host.evaluate((el) => {
    const active = el.shadowRoot.activeElement;
    return [active?.id, active?.selectionStart];
  });
  assert.deepEqual(focus, ["lastName", 4], "focus and caret stay");
  // The widget holds it, not only its DOM: the draft it keeps for a reload has it.
  const draft = await page.evaluate(() => JSON.parse(sessionStorage.getItem("kasse:invoice-year:draft")));
  assert.equal(draft.email, KARI.email);
  assert.equal(draft.countryCode, "SE");
  assert.equal(draft.acceptTerms, true);
  assert.deepEqual(await page.evaluate(() => window.kasseEvents), ["kasse:ready"], "ready once, not twice");
  // The widget's own button answers now, not the preview's hold: a Norwegian postal code is not
  // a Swedish one.
  await host.locator("button[type=submit]").click();
  await host.locator("#postalCode[aria-invalid=true]").waitFor({ timeout: 10000 });
  assert.notEqual(await host.locator("button[type=submit]").getAttribute("aria-busy"), "true");
  assert.deepEqual(page.problems, [], "no console errors (CSP included)");
  await page.context().close();
});

test("a method chosen, left and chosen again in the preview is the one the widget keeps", async () => {
  const page = await heldPage();
  const host = await startMount(page, "digital-month");
  await host.locator("form #email").waitFor({ timeout: 10000 });
  for (const method of ["vippsRecurring", "kco", "vippsRecurring"]) await host.locator(`#method-${method}`).check();
  page.release();
  assert.ok(await takenOver(page));
  assert.ok(await host.locator("#method-vippsRecurring").isChecked(), "the method chosen last");
  const draft = await page.evaluate(() => JSON.parse(sessionStorage.getItem("kasse:digital-month:draft")));
  assert.equal(draft.method, "vippsRecurring", "the widget's own state, not only its DOM");
  await page.context().close();
});

test("the login link pressed in the preview waits for the widget, which keeps what was typed before leaving", async () => {
  const page = await heldPage();
  const host = await startMount(page, "digital-month");
  await host.locator("form #email").waitFor({ timeout: 10000 });
  await host.locator("#email").fill(KARI.email);
  await host.locator("a.kasse__login").click();
  assert.equal(await host.locator("a.kasse__login").getAttribute("aria-busy"), "true", "held, shown busy");
  assert.equal(new URL(page.url()).pathname, "/", "not left yet");
  const left = page.waitForURL((url) => url.pathname.includes("/oauth/authorize") || url.pathname.includes("/kasse/v1/login"), { timeout: 15000 });
  page.release();
  await left;
  await page.goBack();
  const draft = await page.evaluate(() => JSON.parse(sessionStorage.getItem("kasse:digital-month:draft")));
  assert.equal(draft?.email, KARI.email, "the draft kept what was typed in the preview");
  await page.context().close();
});

test("when the bundle cannot be loaded, the preview says so in its language and lets the held press go", async () => {
  const page = await heldPage({ failing: true });
  const host = await startMount(page, "invoice-year");
  await host.locator("form #email").waitFor({ timeout: 10000 });
  await fillReader(host);
  const submit = host.locator("button[type=submit]");
  await submit.click();
  assert.equal(await submit.getAttribute("aria-busy"), "true");
  page.release();
  const status = host.locator(".kasse__status[role=alert]");
  await status.waitFor({ timeout: 15000 });
  assert.match(await status.textContent(), /^Kunne ikke laste bestillingen/, "Norwegian, as the page");
  assert.equal(await submit.getAttribute("aria-disabled"), null, "the held press is let go");
  assert.equal(await submit.getAttribute("aria-busy"), null);
  // A press now only leaves the failure on screen (and sends nothing).
  await submit.click();
  assert.match(await status.textContent(), /^Kunne ikke laste bestillingen/);
  assert.equal(await host.locator("#email").inputValue(), KARI.email, "what was typed stays");
  await page.context().close();
});

test("a press in the preview is held, shown busy, and ordered once by the widget", async () => {
  await resetSandbox();
  const page = await heldPage();
  const host = await startMount(page, "invoice-year");
  await host.locator("form #email").waitFor({ timeout: 10000 });
  await fillReader(host);
  const submit = host.locator("button[type=submit]");
  await submit.click();
  assert.equal(await submit.getAttribute("aria-busy"), "true");
  assert.equal(await submit.getAttribute("aria-disabled"), "true");
  assert.equal(await host.locator(".kasse__status").textContent(), "Behandler …", "said to screen readers too");
  await host.locator("#email").press("Enter");
  assert.deepEqual(await sandboxOrders(), [], "the vendor saw nothing yet");

  page.release();
  await host.locator(".kasse__receipt").waitFor({ timeout: 20000 });
  const orders = await sandboxOrders();
  assert.equal(orders.length, 1, "one order");
  assert.equal(orders[0].body.payer.email ?? orders[0].body.payer.emails?.[0], KARI.email);
  await page.context().close();
});

test("a word being composed when the bundle arrives is finished before the widget takes the field", async () => {
  const page = await heldPage();
  const host = await startMount(page, "invoice-year");
  const field = host.locator("form #firstName");
  await field.waitFor({ timeout: 10000 });
  await field.focus();
  // A keyboard composing a word (an IME, or a phone keyboard's word under way), as Chromium's
  // input method interface gives it.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Input.imeSetComposition", { text: "Kå", selectionStart: 2, selectionEnd: 2 });
  assert.equal(await field.inputValue(), "Kå", "the composition is in the field");

  const wasm = page.waitForResponse(WASM);
  page.release();
  await wasm;
  // Time for the bundle to start: a takeover now would cut the composition, and committing it
  // then types the word after the text the widget kept ("KåKåre").
  await page.waitForTimeout(500);
  await cdp.send("Input.insertText", { text: "Kåre" });
  assert.ok(await takenOver(page));
  assert.equal(await host.locator("#firstName").inputValue(), "Kåre", "the word, once");
  const draft = await page.evaluate(() => JSON.parse(sessionStorage.getItem("kasse:invoice-year:draft")));
  assert.equal(draft.firstName, "Kåre", "the widget holds it");
  assert.equal(await host.evaluate((el) => el.shadowRoot.activeElement?.id), "firstName", "still typing there");
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("a reader with a draft sees no preview: the widget restores the draft itself", async () => {
  const page = await heldPage();
  await page.evaluate(() => sessionStorage.setItem("kasse:invoice-year:draft", JSON.stringify({ email: "kari@example.no" })));
  const host = await startMount(page, "invoice-year");
  await page.waitForTimeout(500);
  assert.equal(await host.evaluate((el) => el.shadowRoot), null, "nothing shown before the widget");
  page.release();
  assert.ok(await takenOver(page));
  assert.equal(await host.locator("#email").inputValue(), "kari@example.no", "the draft, restored");
  assert.deepEqual(await page.evaluate(() => window.kasseEvents), ["kasse:ready"]);
  await page.context().close();
});

test("a page that enforces Trusted Types gets the preview through the kasse policy it allows", async () => {
  const page = await heldPage({ csp: "require-trusted-types-for 'script'; trusted-types kasse" });
  const host = await startMount(page, "invoice-year");
  await host.locator("form #email").waitFor({ timeout: 10000 });
  await fillReader(host);
  page.release();
  assert.ok(await takenOver(page));
  assert.equal(await host.locator("#email").inputValue(), KARI.email, "typed text stays");
  assert.deepEqual(page.problems, [], "nothing refused, nothing thrown");
  await page.context().close();
});

test("a page whose Trusted Types refuse the kasse policy gets no preview, and the widget all the same", async () => {
  const page = await heldPage({ csp: "require-trusted-types-for 'script'; trusted-types other" });
  const host = await startMount(page, "invoice-year");
  await page.waitForTimeout(1000);
  assert.equal(await host.locator("form").count(), 0, "no preview while the bundle is held");
  page.release();
  assert.ok(await takenOver(page));
  await host.locator("form #email").waitFor({ timeout: 10000 });
  const thrown = page.problems.filter((p) => !/TrustedTypePolicy|Trusted Type/.test(p));
  assert.deepEqual(thrown, [], "only the refused policy is reported");
  await page.context().close();
});
