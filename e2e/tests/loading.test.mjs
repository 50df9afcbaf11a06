// How a browser keeps the widget bundle: content-hashed names, cached for good; the loader, whose
// URL publishers embed, revalidated.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { KASSE_URL, launch, newPage } from "./browser.mjs";

const HASHED = /^\/widget\/kasse-[0-9a-f]{16}(\.js|_bg\.wasm)$/;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("a second article view downloads nothing of the widget bundle; the loader is revalidated", async () => {
  const page = await newPage(browser);
  const transfers = () => page.evaluate(() => performance.getEntriesByType("resource").map((entry) => ({
    path: new URL(entry.name).pathname,
    transferSize: entry.transferSize,
  })));
  for (const visit of ["first", "second"]) {
    // A query string makes the second visit a new navigation, not a reload.
    await page.goto(`${KASSE_URL}/?visit=${visit}`);
    const host = page.locator('[data-kasse-offer="digital-month"]');
    await host.scrollIntoViewIfNeeded();
    await host.locator("form").waitFor({ timeout: 15000 });
    const entries = await transfers();
    const bundle = entries.filter((entry) => entry.path.startsWith("/widget/"));
    assert.equal(bundle.length, 2, `${visit}: glue and wasm, ${JSON.stringify(entries)}`);
    for (const { path, transferSize } of bundle) {
      assert.match(path, HASHED, "the bundle's names carry its content hash");
      if (visit === "first") assert.ok(transferSize > 0, `${path} downloaded on the first visit`);
      else assert.equal(transferSize, 0, `${path} comes from the cache, unasked`);
    }
    const loader = entries.find((entry) => entry.path === "/kasse.js");
    assert.ok(loader?.transferSize > 0, `${visit}: the loader goes to the gateway (revalidated)`);
  }
  assert.deepEqual(page.problems, [], "no console errors");
  await page.context().close();
});
