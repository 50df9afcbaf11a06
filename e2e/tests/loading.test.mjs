// When the loader fetches the widget bundle (on intent, ahead of the viewport, never on page load)
// and how a browser keeps it (content-hashed names, cached for good; the loader revalidated).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { KASSE_URL, launch, newPage } from "./browser.mjs";

// The loader's look-aheads (loader/kasse.js): fetch and compile within 600 px, mount within 200 px.
const PREFETCH = 600;
const MOUNT = 200;
const VIEWPORT = { width: 1280, height: 200 };
const HASHED = /^\/widget\/kasse-[0-9a-f]{16}(\.js|_bg\.wasm)$/;
/** A chunk of a bundle's wasm (src/app/split.rs), fetched by its glue. */
const CHUNK = /^\/widget\/kasse-[a-z0-9_]+-[0-9a-f]{16}\.wasm$/;
/** A bundle's main module: the loader's own fetch, on intent or near the viewport. */
const isBundleWasm = (url) => url.endsWith("_bg.wasm");

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The demo article, as long as a real one: the widgets start beyond the prefetch look-ahead.
 *  (Routing turns off the HTTP cache, so the caching test below does without.) */
async function longArticle(page) {
  await page.route(`${KASSE_URL}/`, async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers["content-encoding"];
    delete headers["content-length"];
    const paragraph = "<p>Kraftprisen i nord har lenge vært den laveste i landet, men kulden og tørre magasiner har snudd bildet. Flere industribedrifter vurderer nå å redusere produksjonen i vinter.</p>";
    const body = (await response.text()).replace(/<div class="?paywall"?>/, (paywall) => paragraph.repeat(10) + paywall);
    await route.fulfill({ status: response.status(), headers, body });
  });
}

/** A page of the long article that records its wasm and API requests, nothing fetched yet. */
async function openLongArticle() {
  const page = await newPage(browser, { viewport: VIEWPORT });
  await longArticle(page);
  page.wasm = [];
  page.api = [];
  page.on("request", (request) => {
    if (isBundleWasm(request.url())) page.wasm.push(request.url());
    if (request.url().includes("/kasse/v1/")) page.api.push(request.url());
  });
  await page.goto(`${KASSE_URL}/`);
  await page.waitForLoadState("networkidle");
  const host = page.locator("[data-kasse-offer]").first();
  // The premise: the first widget starts further down than the loader's prefetch look-ahead.
  const top = await host.evaluate((e) => e.getBoundingClientRect().top);
  assert.ok(top > VIEWPORT.height + PREFETCH, `widget top ${top}px is below the fold plus the prefetch margin`);
  assert.deepEqual(page.wasm, [], "no wasm on page load with the widgets far below the fold");
  return { page, host, top };
}

const wasmRequest = (page) => page.waitForRequest((request) => isBundleWasm(request.url()));

test("the wasm bundle is not fetched before a widget nears the viewport, then rehearsed unseen", async () => {
  const { page, host, top } = await openLongArticle();
  const offer = await host.getAttribute("data-kasse-offer");
  // Everything the page could notice of the rehearsal: events, storage, its own DOM.
  await page.evaluate(() => {
    window.kasseEvents = [];
    for (const type of ["ready", "step", "order-created", "redirect", "cancel", "completed", "error"]) {
      document.addEventListener(`kasse:${type}`, (event) => window.kasseEvents.push(event.type));
    }
    window.storageBefore = JSON.stringify({ ...localStorage });
    window.bodyBefore = document.body.innerHTML;
  });
  // Between the two look-aheads: the bundle is fetched, compiled and rehearsed, but no widget
  // mounts.
  const fetched = wasmRequest(page);
  const below = (PREFETCH + MOUNT) / 2;
  await page.evaluate((by) => window.scrollBy(0, by), top - VIEWPORT.height - below);
  await (await fetched).response();
  await page.waitForTimeout(1000);
  assert.equal(await host.evaluate((e) => e.shadowRoot), null, "not mounted yet");
  // Each bundle's rehearsal asks for the offer of a host it will mount (the page sells through
  // both back ends), once, and for nothing else of the gateway.
  const offers = await page.locator("[data-kasse-offer]").evaluateAll((hosts) => hosts.map((h) => h.dataset.kasseOffer));
  const asked = page.api.map((url) => new URL(url).pathname);
  assert.ok(asked.includes(`/kasse/v1/offers/${offer}`), `the first host's offer: ${asked}`);
  assert.ok(asked.length <= 2 && new Set(asked).size === asked.length, `once per bundle: ${asked}`);
  for (const path of asked) assert.ok(offers.some((id) => path === `/kasse/v1/offers/${id}`), `a host's offer: ${path}`);
  const unseen = await page.evaluate(() => ({
    events: window.kasseEvents,
    storage: JSON.stringify({ ...localStorage }) === window.storageBefore,
    body: document.body.innerHTML === window.bodyBefore,
    // A rehearsal does not count as a mount: the host is untouched.
    seen: [...document.querySelectorAll("[data-kasse-offer]")].filter((h) => h.shadowRoot).length,
  }));
  assert.deepEqual(unseen, { events: [], storage: true, body: true, seen: 0 }, "the page noticed nothing");

  await host.scrollIntoViewIfNeeded();
  await page.locator("[data-kasse-offer] form").first().waitFor({ timeout: 15000 });
  await page.waitForFunction(() => window.kasseEvents.includes("kasse:ready"), null, { timeout: 10000 });
  // One bundle per back end: the page's widgets of one back end share its single fetch.
  assert.ok(page.wasm.length >= 1 && page.wasm.length <= 2, `a wasm fetch per back end: ${page.wasm}`);
  assert.equal(new Set(page.wasm).size, page.wasm.length, "no bundle fetched twice, however many widgets");
  await page.context().close();
});

test("pointing at or focusing a widget's host starts the download before it nears the viewport", async () => {
  for (const intent of ["pointerover", "focusin"]) {
    const { page, host } = await openLongArticle();
    const fetched = wasmRequest(page);
    // Dispatched, not performed: Playwright's hover and focus would first scroll the host into view.
    await host.dispatchEvent(intent);
    await fetched;
    assert.equal(page.wasm.length, 1, intent);
    await page.context().close();
  }
});

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
    // The form may be the gateway's preview, shown before the bundle is asked for: wait for the
    // bundles of the page's widgets to be in.
    await page.waitForLoadState("networkidle");
    const entries = await transfers();
    const widget = entries.filter((entry) => entry.path.startsWith("/widget/"));
    const bundle = widget.filter((entry) => !CHUNK.test(entry.path));
    // Glue and wasm of each back end whose widget mounted (the page sells through both); the
    // ConnectID session's chunk may be on its way (it comes once the form is on screen).
    const wasm = bundle.filter((entry) => isBundleWasm(entry.path)).length;
    assert.ok(wasm >= 1 && bundle.length === 2 * wasm, `${visit}: glue and wasm, ${JSON.stringify(entries)}`);
    for (const { path, transferSize } of widget) {
      assert.ok(HASHED.test(path) || CHUNK.test(path), `the bundle's names carry its content hash: ${path}`);
      if (visit === "first") assert.ok(transferSize > 0, `${path} downloaded on the first visit`);
      else assert.equal(transferSize, 0, `${path} comes from the cache, unasked`);
    }
    const loader = entries.find((entry) => entry.path === "/kasse.js");
    assert.ok(loader?.transferSize > 0, `${visit}: the loader goes to the gateway (revalidated)`);
  }
  assert.deepEqual(page.problems, [], "no console errors");
  await page.context().close();
});

test("Kasse.mount asks for the preview, which carries the offer, while the bundle loads, once, and for the wasm while the glue loads", async () => {
  // Nothing of the widget loaded yet: the mount below starts the bundle and the offer together.
  const { page } = await openLongArticle();
  const asked = (path) => page.api.filter((url) => new URL(url).pathname === path);
  const offers = () => asked("/kasse/v1/offers/gift-3m");
  const timing = await page.evaluate(async () => {
    const host = document.createElement("div");
    document.querySelector(".paywall__offers").append(host);
    const ready = new Promise((resolve) => host.addEventListener("kasse:ready", resolve, { once: true }));
    await window.Kasse.mount(host, { offer: "gift-3m" });
    await ready;
    const entries = performance.getEntriesByType("resource");
    const offer = entries.find((e) => e.name.includes("/kasse/v1/offers/gift-3m/preview"));
    const wasm = entries.find((e) => e.name.endsWith("_bg.wasm"));
    const glue = entries.find((e) => /\/widget\/[^/]*\.js$/.test(e.name));
    return {
      offerStart: offer.startTime,
      wasmStart: wasm.startTime,
      wasmEnd: wasm.responseEnd,
      glueEnd: glue.responseEnd,
      form: !!host.shadowRoot.querySelector("form"),
    };
  });
  assert.ok(timing.form, "the form is shown");
  assert.equal(offers().length, 0, `the offer came with the preview, not apart: ${offers()}`);
  assert.equal(asked("/kasse/v1/offers/gift-3m/preview").length, 1, `one preview request: ${page.api}`);
  assert.ok(timing.offerStart < timing.wasmEnd, `the offer was asked for before the bundle arrived: ${JSON.stringify(timing)}`);
  // Streaming compilation starts with the wasm's first bytes, not once the glue has run.
  assert.ok(timing.wasmStart < timing.glueEnd, `the wasm was asked for before the glue arrived: ${JSON.stringify(timing)}`);
  await page.context().close();
});
