// The back button as readers' browsers have it: with the back/forward cache on, a page left for
// the payment page comes back as it was left, busy leaving, unless the widget notices.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import {
  KARI, SANDBOX_URL, launch, newPage, openWidget, fillReader, sandboxOrders, resetSandbox, setFaults,
} from "./browser.mjs";

let browser;
before(async () => { browser = await launch([], { backForwardCache: true }); });
after(async () => { await browser?.close(); });
beforeEach(async () => { await setFaults({ rate: 0, kinds: [], seed: 1 }); await resetSandbox(); });

test("back from the payment page out of the back/forward cache: the form works and continues the same order", async () => {
  const page = await newPage(browser);
  await page.addInitScript(() => {
    window.addEventListener("pageshow", (event) => { window.restoredFromCache = event.persisted; });
  });
  const host = await openWidget(page, "digital-month");
  await fillReader(host);
  await host.locator("button[type=submit]").click();
  await page.waitForURL((url) => url.href.startsWith(`${SANDBOX_URL}/user/fulfillment`), { timeout: 20000 });
  const first = new URL(page.url()).searchParams.get("orderId");
  // A page restored from the cache fires no load: wait for the navigation only.
  await page.goBack({ waitUntil: "commit" });
  await page.waitForFunction(() => window.restoredFromCache !== undefined, null, { timeout: 10000 });
  assert.equal(await page.evaluate(() => window.restoredFromCache), true, "the page came from the cache");
  const submit = host.locator("button[type=submit]");
  await page.waitForFunction(
    () => document.querySelector('[data-kasse-offer="digital-month"]').shadowRoot
      .querySelector("button[type=submit]")?.getAttribute("aria-disabled") !== "true",
    null,
    { timeout: 5000 },
  );
  assert.equal(await host.locator("#email").inputValue(), KARI.email, "the reader's input is there");
  await submit.click();
  await page.waitForURL((url) => url.href.startsWith(`${SANDBOX_URL}/user/fulfillment`), { timeout: 20000 });
  assert.equal(new URL(page.url()).searchParams.get("orderId"), first, "the same order");
  assert.equal((await sandboxOrders()).length, 1, "no second order");
  await page.context().close();
});
