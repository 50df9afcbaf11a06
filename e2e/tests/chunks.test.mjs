// The bundle's chunks (src/app/split.rs): the first download renders the form, the actions come
// when the reader reaches for it, and a chunk that cannot be fetched loses nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, newPage, openWidget, fillReader, resetSandbox, sandboxOrders } from "./browser.mjs";

const ACTIONS = /\/widget\/kasse-split_actions-[0-9a-f]{16}\.wasm$/;
const SESSION = /\/widget\/kasse-split_session-[0-9a-f]{16}\.wasm$/;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** A page that records the chunks it fetches. */
async function recordingPage() {
  const page = await newPage(browser);
  page.chunks = [];
  page.on("request", (request) => {
    const url = request.url();
    if (ACTIONS.test(url)) page.chunks.push("actions");
    if (SESSION.test(url)) page.chunks.push("session");
  });
  return page;
}

test("the form renders without the actions' chunk, which comes when the reader reaches for the form", async () => {
  const page = await recordingPage();
  const host = await openWidget(page, "invoice-year");
  // ConnectID reads the reader's session once the form is on screen.
  await page.waitForRequest((request) => SESSION.test(request.url()), { timeout: 10000 }).catch(() => {});
  await page.waitForLoadState("networkidle");
  assert.ok(page.chunks.includes("session"), `the session's chunk after the form: ${page.chunks}`);
  assert.ok(!page.chunks.includes("actions"), `no actions' chunk before the reader reaches for the form: ${page.chunks}`);
  const actions = page.waitForRequest((request) => ACTIONS.test(request.url()), { timeout: 10000 });
  await host.locator("#firstName").focus();
  await actions;
  await page.context().close();
});

test("a chunk that cannot be fetched keeps the reader's input and sends nothing; the retry fetches it again", async () => {
  await resetSandbox();
  const page = await recordingPage();
  await page.route(ACTIONS, (route) => route.abort("internetdisconnected"));
  await page.addInitScript(() => {
    window.kasseErrors = [];
    document.addEventListener("kasse:error", (event) => window.kasseErrors.push(event.detail));
  });
  const host = await openWidget(page, "invoice-year");
  await fillReader(host);
  await host.locator("button[type=submit]").click();
  const notice = host.locator(".kasse__notice");
  await notice.waitFor({ timeout: 10000 });
  assert.equal(await notice.locator("p").first().textContent(), "Ingen forbindelse. Sjekk nettet og prøv igjen.");
  assert.equal(await host.locator("#email").inputValue(), "kari.nordmann@example.no", "the input stays");
  assert.equal(await host.locator("#acceptTerms").isChecked(), true);
  assert.deepEqual(await sandboxOrders(), [], "the vendor saw nothing");
  assert.ok(page.chunks.filter((c) => c === "actions").length >= 2, `asked on intent and on submit: ${page.chunks}`);
  const errors = await page.evaluate(() => window.kasseErrors);
  assert.deepEqual(
    errors.map(({ offer, code, retryable }) => ({ offer, code, retryable })),
    [{ offer: "invoice-year", code: "load_failed", retryable: true }],
    "the page hears of it",
  );

  await page.unroute(ACTIONS);
  await host.locator(".kasse__retry").click();
  await host.locator(".kasse__receipt").waitFor({ timeout: 20000 });
  const orders = await sandboxOrders();
  assert.equal(orders.length, 1, "one order, once the chunk is there");
  assert.equal(orders[0].body.payer.email ?? orders[0].body.payer.emails?.[0], "kari.nordmann@example.no");
  await page.context().close();
});

test("a press before the actions' chunk is there shows the checkout busy, and orders once when it comes", async () => {
  await resetSandbox();
  const page = await recordingPage();
  // A reader who autofills and taps: the press is the first sign of intent, so the chunk is
  // still on its way. Held here until the busy state has been seen.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(ACTIONS, async (route) => { await held; await route.continue(); });
  const host = await openWidget(page, "invoice-year");
  await fillReader(host);
  const submit = host.locator("button[type=submit]");
  await submit.click();
  await page.waitForFunction(
    (el) => el.getAttribute("aria-busy") === "true" && el.getAttribute("aria-disabled") === "true",
    await submit.elementHandle(),
    { timeout: 10000 },
  );
  assert.equal(await host.locator(".kasse__status").textContent(), "Behandler …", "said to screen readers too");
  // Enter in a field while the checkout is busy submits nothing more (implicit submission).
  await host.locator("#email").press("Enter");
  assert.deepEqual(await sandboxOrders(), [], "the vendor saw nothing yet");

  release();
  await host.locator(".kasse__receipt").waitFor({ timeout: 20000 });
  assert.equal((await sandboxOrders()).length, 1, "one order");
  assert.equal(page.chunks.filter((c) => c === "actions").length, 1, `one fetch of the chunk: ${page.chunks}`);
  await page.context().close();
});
