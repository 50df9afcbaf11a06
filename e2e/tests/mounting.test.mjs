// The publisher's side of the loader: a host the publisher mounts is theirs, a mount can be ended
// or replaced while it loads, a slow preview holds nothing back, and markup cannot choose the
// gateway.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { KASSE_URL, launch, newPage } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** An article at the gateway's origin with `body`, recording the page's `kasse:*` events. */
async function article(body, { lang = "en" } = {}) {
  const page = await newPage(browser);
  await page.route(`${KASSE_URL}/`, (route) => route.fulfill({
    contentType: "text/html",
    body: `<!doctype html><html lang="${lang}"><body>${body}<script type="module" src="/kasse.js"></script></body></html>`,
  }));
  await page.addInitScript(() => {
    window.kasseEvents = [];
    for (const type of ["ready", "error"]) {
      document.addEventListener(`kasse:${type}`, (event) => window.kasseEvents.push([event.type, event.detail]));
    }
  });
  await page.goto(`${KASSE_URL}/`);
  await page.waitForFunction(() => window.Kasse);
  return page;
}

/** The offer the host's widget shows, once it runs (its form's `data-offer`). */
const shownOffer = (page, selector) => page.waitForFunction(
  (selector) => document.querySelector(selector).shadowRoot?.querySelector("form[data-offer]")?.dataset.offer,
  selector,
  { timeout: 15000 },
).then((handle) => handle.jsonValue());

test("a host the publisher mounts is theirs: the loader's own mount near the viewport leaves it alone", async () => {
  // The publisher's script mounts the host (in view, with an offer attribute) as soon as the
  // loader has run, before the loader's own look-ahead reaches it; `offer` in the config wins
  // over the attribute, as a prepayment would (a JS-only key).
  const page = await article(`<div id="h" data-kasse-offer="digital-month"></div>
    <script type="module">
      import "/kasse.js";
      window.Kasse.mount(document.querySelector("#h"), { offer: "invoice-year" });
    </script>`);
  assert.equal(await shownOffer(page, "#h"), "invoice-year");
  // Had the loader mounted the host as well, the attribute's offer would have replaced it.
  await page.waitForTimeout(1500);
  assert.equal(await shownOffer(page, "#h"), "invoice-year");
  const ready = await page.evaluate(() => window.kasseEvents.filter(([type]) => type === "kasse:ready").map(([, d]) => d.offer));
  assert.deepEqual(ready, ["invoice-year"], "one widget, ready once");
  await page.context().close();
});

test("an unmount while the bundle loads ends that mount; a second mount replaces the first", async () => {
  const page = await article('<div id="a"></div><div id="b"></div>');
  const outcome = await page.evaluate(async () => {
    const [a, b] = ["#a", "#b"].map((id) => document.querySelector(id));
    const ended = window.Kasse.mount(a, { offer: "digital-month" });
    window.Kasse.unmount(a);
    const first = window.Kasse.mount(b, { offer: "digital-month" });
    const second = window.Kasse.mount(b, { offer: "invoice-year" });
    return { ended: await ended, first: await first, second: Boolean(await second) };
  });
  assert.deepEqual(outcome, { ended: null, first: null, second: true }, "an ended mount resolves to null");
  assert.equal(await shownOffer(page, "#b"), "invoice-year");
  assert.equal(await page.evaluate(() => document.querySelector("#a").shadowRoot?.childElementCount ?? 0), 0, "nothing left in #a");
  const ready = await page.evaluate(() => window.kasseEvents.filter(([type]) => type === "kasse:ready").map(([, d]) => d.offer));
  assert.deepEqual(ready, ["invoice-year"], "only the mount that stands says ready");
  await page.context().close();
});

test("a preview that does not come holds neither the bundle nor the offer back", { timeout: 30000 }, async () => {
  const page = await newPage(browser);
  await page.route(/\/preview\?/, () => {}); // never answered
  await page.route(`${KASSE_URL}/`, (route) => route.fulfill({
    contentType: "text/html",
    body: '<!doctype html><html lang="en"><body><div id="h"></div><script type="module" src="/kasse.js"></script></body></html>',
  }));
  await page.goto(`${KASSE_URL}/`);
  await page.waitForFunction(() => window.Kasse);
  const mounted = await page.evaluate(async () => Boolean(await window.Kasse.mount(document.querySelector("#h"), { offer: "digital-month" })));
  assert.ok(mounted);
  assert.equal(await shownOffer(page, "#h"), "digital-month");
  await page.context().close();
});

test("markup cannot point a widget at another gateway: a foreign data-kasse-gateway is ignored", async () => {
  const page = await newPage(browser);
  const foreign = [];
  await page.route("https://evil.example/**", (route) => { foreign.push(route.request().url()); return route.abort(); });
  await page.route(`${KASSE_URL}/`, (route) => route.fulfill({
    contentType: "text/html",
    body: '<!doctype html><html lang="en"><body><div id="h" data-kasse-offer="digital-month" data-kasse-gateway="https://evil.example"></div><script type="module" src="/kasse.js"></script></body></html>',
  }));
  const api = [];
  page.on("request", (request) => { if (request.url().includes("/kasse/v1/")) api.push(request.url()); });
  await page.goto(`${KASSE_URL}/`);
  assert.equal(await shownOffer(page, "#h"), "digital-month");
  assert.deepEqual(foreign, [], "nothing asked of the foreign gateway");
  assert.ok(api.length > 0 && api.every((url) => url.startsWith(`${KASSE_URL}/kasse/v1/`)), api.join(", "));
  assert.ok(page.problems.some((p) => p.includes("data-kasse-gateway")), "the publisher is told why");
  await page.context().close();
});

test("a mount's handle ends that mount only, and twice is harmless", async () => {
  const page = await article('<div id="h"></div>');
  const outcome = await page.evaluate(async () => {
    const host = document.querySelector("#h");
    const shown = () => Boolean(host.shadowRoot?.querySelector("form[data-offer]"));
    const first = await window.Kasse.mount(host, { offer: "digital-month" });
    const mountedFirst = shown();
    first.unmount();
    const afterUnmount = shown();
    first.unmount();
    window.Kasse.unmount(host); // after the handle's own unmount: before, this threw
    const second = await window.Kasse.mount(host, { offer: "invoice-year" });
    first.unmount(); // an old handle leaves the new widget alone
    const secondStays = shown();
    second.unmount();
    return { mountedFirst, afterUnmount, secondStays, end: shown() };
  });
  assert.deepEqual(outcome, { mountedFirst: true, afterUnmount: false, secondStays: true, end: false });
  assert.deepEqual(page.problems ?? [], [], "no page errors");
  await page.context().close();
});
