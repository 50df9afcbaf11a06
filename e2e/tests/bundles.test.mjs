// One widget bundle per back end: a reader downloads only the checkout of the back end the offer
// is sold through. The gateway writes each offer's back end into the loader it serves, so the
// loader picks the bundle before any offer request; a bundle given another back end's offer
// refuses it with a clear message.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { KASSE_URL, launch, newPage } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The bundles the served loader names, by back end: `{ connectId: [glue, wasm], s4: [...] }`. */
async function bundlesOf(page) {
  const loader = await page.evaluate(async (url) => (await fetch(url)).text(), `${KASSE_URL}/kasse.js`);
  const bundles = {};
  for (const [, key, glue, wasm] of loader.matchAll(/"?(connectId|s4)"?:\["([^"]+\.js)","([^"]+\.wasm)"\]/g)) {
    bundles[key] = [glue, wasm];
  }
  return { loader, bundles };
}

/** A page of the gateway's origin with the loader and no widget host; `table` replaces the
 *  back-end table the gateway wrote into the loader. */
async function blankPage({ table } = {}) {
  const page = await newPage(browser);
  if (table) {
    await page.route(`${KASSE_URL}/kasse.js`, async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers["content-encoding"];
      delete headers["content-length"];
      const body = (await response.text()).replace(/JSON\.parse\("\{[^)]*"\)/, `JSON.parse(${JSON.stringify(table)})`);
      await route.fulfill({ status: response.status(), headers, body });
    });
  }
  page.wasm = [];
  page.on("request", (request) => {
    // The bundles' main modules; their chunks (chunks.test.mjs) come later, on their own terms.
    if (request.url().endsWith("_bg.wasm")) page.wasm.push(new URL(request.url()).pathname.slice(1));
  });
  await page.route(`${KASSE_URL}/`, (route) => route.fulfill({
    contentType: "text/html",
    body: '<!doctype html><html lang="nb"><body><script type="module" src="/kasse.js"></script></body></html>',
  }));
  await page.goto(`${KASSE_URL}/`);
  await page.waitForFunction(() => window.Kasse);
  return page;
}

/** Mounts `offer` into a new host and waits for its form; returns what the host ended with. */
const mount = (page, offer) => page.evaluate(async (offer) => {
  const host = document.createElement("div");
  document.body.append(host);
  const ready = new Promise((resolve) => host.addEventListener("kasse:ready", resolve, { once: true }));
  await window.Kasse.mount(host, { offer });
  await ready;
  return !!host.shadowRoot.querySelector("form");
}, offer);

test("the served loader names no offer, and each back end has its own bundle", async () => {
  const page = await blankPage();
  const { loader, bundles } = await bundlesOf(page);
  // The catalog's back ends are in, as buckets: no id, so unadvertised offers stay unlisted.
  assert.match(loader, /JSON\.parse\("\{\\"d\\":\\"connectId\\",\\"o\\":\\"s4\\"/, "the table is written in");
  for (const id of ["digital-month", "s4-avis-velg", "gift-3m"]) assert.ok(!loader.includes(id), `${id} is not named`);
  assert.deepEqual(Object.keys(bundles).sort(), ["connectId", "s4"]);
  assert.notEqual(bundles.connectId[1], bundles.s4[1], "two bundles, not one named twice");
  await page.context().close();
});

test("a loader whose table is out of date still mounts the offer with its own back end's bundle", async () => {
  const page = await blankPage({ table: '{"d":"s4","s":0,"m":""}' });
  const { bundles } = await bundlesOf(page);
  assert.ok(await mount(page, "digital-month"), "the ConnectID form, after the offer's answer");
  assert.equal(page.wasm.at(-1), bundles.connectId[1], `ConnectID's bundle last: ${page.wasm}`);
  await page.context().close();
});

test("a page fetches only the bundle of each mounted offer's back end, once", async () => {
  const page = await blankPage();
  const { bundles } = await bundlesOf(page);
  assert.ok(await mount(page, "digital-month"), "the ConnectID form");
  assert.deepEqual(page.wasm, [bundles.connectId[1]], "only ConnectID's bundle");
  assert.ok(await mount(page, "s4-avis-velg"), "the S4 form");
  assert.ok(await mount(page, "invoice-year"), "a second ConnectID form");
  assert.deepEqual(page.wasm, [bundles.connectId[1], bundles.s4[1]], "then S4's, and no bundle twice");
  await page.context().close();
});

test("a bundle given an offer of another back end says so instead of showing a form", async () => {
  const page = await blankPage();
  const { bundles } = await bundlesOf(page);
  const shown = await page.evaluate(async ([glue, wasm]) => {
    const module = await import(new URL(glue, location.href).href);
    await module.default({ module_or_path: new URL(wasm, location.href) });
    const host = document.createElement("div");
    document.body.append(host);
    const failed = new Promise((resolve) => host.addEventListener("kasse:error", (e) => resolve(e.detail), { once: true }));
    module.mount(host, { offer: "s4-avis-velg", gateway: location.origin });
    const detail = await failed;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const root = host.shadowRoot;
    return { detail, form: !!root.querySelector("form"), alert: root.querySelector("[role=alert]")?.textContent };
  }, bundles.connectId);
  assert.equal(shown.detail.code, "backend_not_in_bundle");
  assert.equal(shown.form, false, "no form that could not be sent");
  assert.ok(shown.alert?.length > 0, `a readable message: ${shown.alert}`);
  await page.context().close();
});
