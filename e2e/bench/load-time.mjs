// `cargo xtask bench` (xtask/src/bench.rs) runs this: the time from `Kasse.mount` (the loader is on
// the page, nothing else of the widget is) to `kasse:ready`, beside a hand-written vanilla-JS form
// with the same fields that fetches the same offer JSON before rendering, both on the demo page in
// headless Chromium. Every run gets a fresh browser context (cold HTTP and wasm code caches, new
// connections) and the two alternate in order, so neither profits from going second. A second,
// shorter pass does the same on an emulated slow phone (Chromium's DevTools network and CPU
// throttling). A third pass mounts with the bundle already fetched, compiled and rehearsed, as on an
// article page, where the loader does that when the host nears the viewport or the reader points
// at it. `kasse:ready` comes with the gateway's preview of the form when that is there first (the
// loader shows it while the bundle loads); each run also reports when the widget had taken over
// (`Kasse.mount` resolved) and which of the two the ready was.
// The samples are printed as plain `LOADTIME …` lines; xtask/src/load_time.rs computes and prints
// the statistics.
//
//   KASSE_URL=http://127.0.0.1:8080 node bench/load-time.mjs [--runs 15] [--slow-runs 5] [--warm-runs 10] [--offer digital-month]
import { chromium } from "playwright-core";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "15" },
    offer: { type: "string", default: "digital-month" },
    timeout: { type: "string", default: "30000" },
    "slow-runs": { type: "string", default: "5" },
    "warm-runs": { type: "string", default: "10" },
    // Per step on the slow phone: the bundle (250 KB brotli) alone is 1.25 s at 1.6 Mbit/s, each
    // request waits 150 ms more, and compiling and starting it runs at a quarter speed; a few
    // seconds, with room for the shared 2-core machine.
    "slow-timeout": { type: "string", default: "60000" },
  },
});
const RUNS = Number(values.runs);
const SLOW_RUNS = Number(values["slow-runs"]);
const WARM_RUNS = Number(values["warm-runs"]);
const OFFER = values.offer;
const TIMEOUT = Number(values.timeout);
const SLOW_TIMEOUT = Number(values["slow-timeout"]);

/**
 * The slow phone: Lighthouse's "slow 4G" figures (1.6 Mbit/s down, 750 kbit/s up, 150 ms round
 * trip; throughputs here in bytes per second) and a CPU four times slower. DevTools adds the
 * latency once to each request, with no connection set-up, so it is milder than a real 150 ms
 * network; both forms get the same.
 */
const SLOW_NETWORK = { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 93_750 };
const SLOW_CPU = { rate: 4 };
const BASE = (process.env.KASSE_URL ?? "").replace(/\/$/, "");
if (!BASE) throw new Error("KASSE_URL is not set: run this through `cargo xtask bench`");

/** Resolves `promise` or rejects after `ms`, naming `what`. */
function bounded(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * In the page: mount the widget into a new host. Returns milliseconds until `kasse:ready`, and
 * until the last byte of the bundle (glue and wasm, from Resource Timing): what comes after it is
 * compiling, starting and the first render. `prefetched`: the reader pointed at the host first,
 * which has the loader fetch, compile and start the bundle, and rehearse it while the page is idle
 * (with the offer, which it asks for then); the clock starts once that is done. `start`: when it
 * did, so that only the mount's own offer request is counted.
 */
async function widgetInPage({ offer, timeout, prefetched, settle }) {
  const host = document.createElement("div");
  document.querySelector(".paywall__offers").append(host);
  // The bundle's glue and main module; its chunks come after `kasse:ready` or on intent.
  const bundleFiles = (since) => performance.getEntriesByType("resource")
    .filter((entry) => entry.startTime >= since && /^\/widget\/kasse-[0-9a-f]{16}(\.js|_bg\.wasm)$/.test(new URL(entry.name).pathname));
  if (prefetched) {
    const since = performance.now();
    host.dataset.kasseOffer = offer;
    host.dispatchEvent(new PointerEvent("pointerover", { bubbles: true }));
    for (let waited = 0; bundleFiles(since).filter((entry) => entry.responseEnd > 0).length < 2; waited += 10) {
      if (waited > timeout) throw new Error(`the prefetch fetched no bundle within ${timeout} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Compiling (lazily: validation only), starting and the rehearsal (once the offer is in,
    // when the page is idle) take milliseconds; `settle` leaves room.
    await new Promise((resolve) => setTimeout(resolve, settle));
  }
  // `kasse:ready` comes with the gateway's preview of the form when it is there before the
  // widget (the loader shows it, and the widget takes over), else with the widget's own form.
  let liveAt;
  const ready = new Promise((resolve, reject) => {
    host.addEventListener("kasse:ready", () => resolve({ at: performance.now(), preview: liveAt === undefined }), { once: true });
    host.addEventListener("kasse:error", (e) => reject(new Error(`kasse:error ${JSON.stringify(e.detail)}`)));
    setTimeout(() => reject(new Error(`no kasse:ready within ${timeout} ms`)), timeout);
  });
  const start = performance.now();
  const mounted = window.Kasse.mount(host, { offer }).then(() => { liveAt = performance.now(); });
  const { at, preview } = await ready;
  // A sanity check after the clock stopped: "ready" must mean a form a reader can fill in.
  if (!host.shadowRoot?.querySelector("form input#email")) throw new Error("kasse:ready without a form");
  await Promise.race([mounted, new Promise((_, reject) => setTimeout(() => reject(new Error("the widget did not take over")), timeout))]);
  const [elapsed, live] = [at - start, liveAt - start];
  const bundle = bundleFiles(start);
  if (prefetched) {
    if (bundle.length) throw new Error(`the prefetched mount fetched ${bundle.length} bundle files again`);
    return { elapsed, live, preview, bundle: 0, start };
  }
  if (bundle.length !== 2) throw new Error(`expected the glue and the wasm, fetched ${bundle.length} bundle files`);
  return { elapsed, live, preview, bundle: Math.max(...bundle.map((entry) => entry.responseEnd)) - start };
}

/**
 * In the page: the same checkout by hand, in plain DOM calls. It fetches the offer first, as the
 * widget does, renders into a shadow root with a constructed stylesheet (the widget's CSP-safe way),
 * and is "ready" when the form is in the document. What it leaves out (validation, the order
 * payload, payment flows) is work the widget does after `kasse:ready`, not before.
 */
async function vanillaInPage({ offer }) {
  const host = document.createElement("div");
  document.querySelector(".paywall__offers").append(host);
  const start = performance.now();
  const root = host.attachShadow({ mode: "open" });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(`
    form { display: grid; gap: .75rem; font: inherit; }
    label { display: block; } input, select { font: inherit; padding: .4rem; }
    .error { color: #b00020; min-height: 1em; margin: 0; }`);
  root.adoptedStyleSheets = [sheet];
  const response = await fetch(`/kasse/v1/offers/${encodeURIComponent(offer)}`, {
    headers: { accept: "application/json" },
  });
  if (!response.ok) throw new Error(`offer answered ${response.status}`);
  const info = await response.json();
  const o = info.offer ?? info;
  const el = (tag, props = {}, ...children) => {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children);
    return node;
  };
  const title = typeof o.title === "object" ? (o.title.nb ?? Object.values(o.title)[0]) : String(o.title ?? offer);
  const form = el("form", { noValidate: true });
  form.append(
    el("h2", {}, title),
    el("p", {}, `${o.price ?? ""} ${o.currency ?? ""}`),
  );
  const text = (id, label, type, autocomplete) =>
    el("div", {},
      el("label", { htmlFor: id }, label),
      el("input", { id, name: id, type, autocomplete, required: true }),
      el("p", { className: "error", id: `${id}-error` }));
  form.append(
    text("firstName", "Fornavn", "text", "given-name"),
    text("lastName", "Etternavn", "text", "family-name"),
    text("email", "E-post", "email", "email"),
    text("phone", "Mobil", "tel", "tel"),
    text("postalCode", "Postnummer", "text", "postal-code"),
  );
  const country = el("select", { id: "countryCode", name: "countryCode", autocomplete: "country" });
  for (const [value, name] of [["NO", "Norge"], ["SE", "Sverige"], ["DK", "Danmark"], ["FI", "Finland"]]) {
    country.append(el("option", { value, selected: value === "NO" }, name));
  }
  form.append(el("div", {}, el("label", { htmlFor: "countryCode" }, "Land"), country));
  const methods = el("fieldset", {}, el("legend", {}, "Betaling"));
  for (const [value, name] of [["creditcardPayex", "Kort"], ["vipps", "Vipps"], ["invoice", "Faktura"]]) {
    const id = `method-${value}`;
    methods.append(el("label", { htmlFor: id }, el("input", { type: "radio", id, name: "method", value }), name));
  }
  form.append(methods);
  form.append(el("div", {},
    el("input", { type: "checkbox", id: "acceptTerms", name: "acceptTerms" }),
    el("label", { htmlFor: "acceptTerms" }, "Jeg godtar vilkårene")));
  form.append(el("button", { type: "submit" }, "Kjøp"));
  form.addEventListener("submit", (event) => event.preventDefault());
  root.append(form);
  return performance.now() - start;
}

/**
 * In the page: how each request for `offer`'s JSON since `since` was delivered ("cache" or
 * "network"): the offer's own, or its preview's, which carries it. The exact paths: the widget
 * asks for the offer's consent text below them after ready.
 */
function offerFetchesInPage({ since, offer }) {
  const path = `/kasse/v1/offers/${encodeURIComponent(offer)}`;
  return performance.getEntriesByType("resource")
    .filter((entry) => entry.startTime >= since && [path, `${path}/preview`].includes(new URL(entry.name).pathname))
    .map((entry) => entry.deliveryType || "network");
}

/**
 * Runs one form's measurement (`inPage`) and checks that the form fetched its offer once (alone or
 * with its preview), from the gateway: a figure that read it from the cache would not be a cold one.
 */
async function measure(page, inPage, args, limit, what) {
  const before = await page.evaluate(() => performance.now());
  const result = await bounded(page.evaluate(inPage, args), limit, what);
  const since = result.start ?? before;
  const fetched = await page.evaluate(offerFetchesInPage, { since, offer: args.offer });
  if (fetched.length !== 1 || fetched[0] === "cache") {
    throw new Error(`${what}: its offer did not come from the gateway (${fetched.join(", ") || "no request"})`);
  }
  return result;
}

/** In the page: first-visit bytes of the widget's files and of its preview, from Resource Timing
 *  (same origin). */
function widgetBytesInPage() {
  const rows = {};
  for (const entry of performance.getEntriesByType("resource")) {
    const path = new URL(entry.name).pathname;
    if (!/^\/(kasse\.js|widget\/)|\/preview$/.test(path)) continue;
    rows[path] = { transfer: entry.transferSize, encoded: entry.encodedBodySize, decoded: entry.decodedBodySize };
  }
  return rows;
}

/**
 * In the page: milliseconds for a fixed piece of main-thread work, timed before and after the
 * CPU throttling to show that it applied (its ratio should be near the rate).
 */
function cpuProbeInPage() {
  const start = performance.now();
  let x = 1;
  for (let i = 0; i < 5_000_000; i++) x = (x * 1103515245 + 12345) >>> 0;
  const elapsed = performance.now() - start;
  if (x === 0.5) throw new Error("unreachable: keeps the loop from being optimized away");
  return elapsed;
}

/**
 * Throttles `page` from now on, through a CDP session of its own. Applied after the page and the
 * loader are in: the measured time starts at `Kasse.mount`, so a throttled page load would only
 * make each run longer.
 */
async function emulateSlowPhone(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", SLOW_NETWORK);
  await cdp.send("Emulation.setCPUThrottlingRate", SLOW_CPU);
}

async function oneRun(browser, widgetFirst, slow = false, prefetched = false) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const problems = [];
    page.on("pageerror", (error) => problems.push(String(error)));
    const encodings = {};
    page.on("response", (response) => {
      const path = new URL(response.url()).pathname;
      if (/^\/(kasse\.js|widget\/)|\/preview$/.test(path)) encodings[path] = response.headers()["content-encoding"] ?? "identity";
    });
    // The demo page as served (headers, CSP and all) minus its two host elements: they sit near
    // the viewport, so the loader would fetch the bundle on page load and the measured mount would
    // start warm. Without them the loader is on the page and the bundle is not.
    await page.route(`${BASE}/`, async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replaceAll("data-kasse-offer=", "data-bench-removed-offer=");
      await route.fulfill({ response, body });
    });
    await bounded(page.goto(`${BASE}/`, { waitUntil: "load" }), TIMEOUT, "demo page");
    // While a route is set, Playwright intercepts requests and asks this process what to do with
    // them: a round trip per request that no reader's browser makes. Measured with the cache off
    // either way, it added about 10 ms to the vanilla form and 7 to 10 ms to the widget, whose
    // three requests wait in parallel: the ratio read 2.5-2.9x with it and 3.6-4.5x without.
    await page.unrouteAll();
    // The offer JSON is cacheable (60 s): each form must fetch its own, not the one the other
    // form just left in this context's cache.
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    await bounded(page.waitForFunction(() => window.Kasse !== undefined), TIMEOUT, "loader");
    let cpuFactor;
    if (slow) {
      const before = await page.evaluate(cpuProbeInPage);
      await bounded(emulateSlowPhone(page), TIMEOUT, "emulation");
      cpuFactor = (await bounded(page.evaluate(cpuProbeInPage), TIMEOUT, "CPU probe")) / before;
    }
    const timeout = slow ? SLOW_TIMEOUT : TIMEOUT;
    // Four times that on the slow phone's CPU.
    const args = { offer: OFFER, timeout, prefetched, settle: slow ? 1200 : 300 };
    let widget, vanilla;
    if (widgetFirst) {
      widget = await measure(page, widgetInPage, args, timeout + 1000, "widget");
      vanilla = await measure(page, vanillaInPage, args, timeout, "vanilla form");
    } else {
      vanilla = await measure(page, vanillaInPage, args, timeout, "vanilla form");
      widget = await measure(page, widgetInPage, args, timeout + 1000, "widget");
    }
    const bytes = await page.evaluate(widgetBytesInPage);
    for (const [path, row] of Object.entries(bytes)) row.encoding = encodings[path] ?? "?";
    if (problems.length) throw new Error(`page errors: ${problems.join("; ")}`);
    return { widget: widget.elapsed, live: widget.live, preview: widget.preview, bundle: widget.bundle, vanilla, bytes, cpuFactor };
  } finally {
    await context.close();
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
try {
  // One discarded run: the browser process's own first-use costs belong to neither side.
  await oneRun(browser, true);
  const widget = [], live = [], previewed = [], bundle = [], vanilla = [];
  let bytes = {};
  for (let run = 0; run < RUNS; run++) {
    const result = await oneRun(browser, run % 2 === 0);
    widget.push(result.widget);
    live.push(result.live);
    previewed.push(result.preview ? 1 : 0);
    bundle.push(result.bundle);
    vanilla.push(result.vanilla);
    bytes = result.bytes;
    process.stderr.write(`load-time run ${run + 1}/${RUNS}: widget ${result.widget.toFixed(1)} ms, vanilla ${result.vanilla.toFixed(1)} ms\n`);
  }
  const ms = (samples) => samples.map((x) => x.toFixed(3)).join(" ");
  console.log(`LOADTIME widget_ms ${ms(widget)}`);
  console.log(`LOADTIME vanilla_ms ${ms(vanilla)}`);
  console.log(`LOADTIME widget_bundle_ms ${ms(bundle)}`);
  console.log(`LOADTIME widget_live_ms ${ms(live)}`);
  console.log(`LOADTIME widget_previewed ${previewed.join(" ")}`);
  for (const [path, row] of Object.entries(bytes)) {
    console.log(`LOADTIME bytes ${path} ${row.encoding} ${row.transfer} ${row.encoded} ${row.decoded}`);
  }
  // Prefetched, as the machine is, same alternation.
  const warmWidget = [], warmVanilla = [];
  for (let run = 0; run < WARM_RUNS; run++) {
    const result = await oneRun(browser, run % 2 === 0, false, true);
    warmWidget.push(result.widget);
    warmVanilla.push(result.vanilla);
    process.stderr.write(
      `load-time prefetched run ${run + 1}/${WARM_RUNS}: widget ${result.widget.toFixed(1)} ms, vanilla ${result.vanilla.toFixed(1)} ms\n`,
    );
  }
  if (WARM_RUNS > 0) {
    console.log(`LOADTIME warm_widget_ms ${ms(warmWidget)}`);
    console.log(`LOADTIME warm_vanilla_ms ${ms(warmVanilla)}`);
  }
  // The slow phone, same alternation; its own first run is not discarded (the browser's first-use
  // costs were paid above).
  const slowWidget = [], slowLive = [], slowPreviewed = [], slowBundle = [], slowVanilla = [], cpuFactors = [];
  for (let run = 0; run < SLOW_RUNS; run++) {
    const result = await oneRun(browser, run % 2 === 0, true);
    slowWidget.push(result.widget);
    slowLive.push(result.live);
    slowPreviewed.push(result.preview ? 1 : 0);
    slowBundle.push(result.bundle);
    slowVanilla.push(result.vanilla);
    cpuFactors.push(result.cpuFactor);
    process.stderr.write(
      `load-time slow run ${run + 1}/${SLOW_RUNS}: widget ${result.widget.toFixed(1)} ms, vanilla ${result.vanilla.toFixed(1)} ms\n`,
    );
  }
  // And prefetched on the slow phone: the download happens before the clock starts.
  const slowWarmWidget = [], slowWarmVanilla = [];
  for (let run = 0; run < (WARM_RUNS > 0 ? SLOW_RUNS : 0); run++) {
    const result = await oneRun(browser, run % 2 === 0, true, true);
    slowWarmWidget.push(result.widget);
    slowWarmVanilla.push(result.vanilla);
    process.stderr.write(
      `load-time slow prefetched run ${run + 1}/${SLOW_RUNS}: widget ${result.widget.toFixed(1)} ms, vanilla ${result.vanilla.toFixed(1)} ms\n`,
    );
  }
  if (slowWarmWidget.length) {
    console.log(`LOADTIME slow_warm_widget_ms ${ms(slowWarmWidget)}`);
    console.log(`LOADTIME slow_warm_vanilla_ms ${ms(slowWarmVanilla)}`);
  }
  if (SLOW_RUNS > 0) {
    console.log(`LOADTIME slow_widget_ms ${ms(slowWidget)}`);
    console.log(`LOADTIME slow_vanilla_ms ${ms(slowVanilla)}`);
    console.log(`LOADTIME slow_widget_bundle_ms ${ms(slowBundle)}`);
    console.log(`LOADTIME slow_widget_live_ms ${ms(slowLive)}`);
    console.log(`LOADTIME slow_widget_previewed ${slowPreviewed.join(" ")}`);
    console.log(`LOADTIME slow_cpu_factor ${ms(cpuFactors)}`);
  }
} finally {
  await browser.close();
}
