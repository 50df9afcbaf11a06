// Kasse loader: the one script a publisher adds (`<script type="module" src=".../kasse.js">`).
// It stays tiny and does no work on page load: the WebAssembly bundle is fetched and compiled when a
// host comes within 600 px of the viewport or the reader points at or focuses one, and a widget
// mounts within 200 px or on `Kasse.mount`. Load failures are retried with backoff (ad-blockers
// and flaky networks are real), then shown in the host, never a blank box.
const base = new URL("./", import.meta.url);
const HOSTS = "[data-kasse-offer]";
// Bundle names of a plain `trunk build`. The release build (xtask/src/bundle.rs) writes in the
// content-hashed names, which are cached for good; this file's own name stays stable.
const GLUE = "widget/kasse.js", WASM = "widget/kasse_bg.wasm";
const handles = new WeakMap();
let bundle = null;

// The wasm is fetched and compiled while the glue loads, not after it. Without `application/wasm`
// (a misconfigured server) streaming compilation refuses, and the glue's own fallback runs.
const compileWasm = () => {
  const url = new URL(WASM, base);
  return WebAssembly.compileStreaming(fetch(url)).catch(() => url);
};

function loadBundle(attempt = 0) {
  // The wasm's request goes first: it is the largest and must be compiled, so it is what the
  // widget waits for.
  bundle ??= Promise.all([compileWasm(), import(new URL(GLUE, base).href)])
    .then(async ([wasm, module]) => {
      await module.default({ module_or_path: wasm });
      return module;
    })
    .catch((error) => {
      bundle = null;
      if (attempt >= 2) throw error;
      return new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt))
        .then(() => loadBundle(attempt + 1));
    });
  return bundle;
}

function fail(host, code, error) {
  console.error("Kasse:", code, error);
  host.textContent = "Kasse: the checkout could not be loaded. Please reload the page.";
  host.dispatchEvent(new CustomEvent("kasse:error", { bubbles: true, composed: true, detail: { code } }));
}

/** Mounts a widget into `host` (any element); `config` keys win over `data-kasse-*` attributes. */
async function mount(host, config = {}) {
  unmount(host);
  // The gateway that served this script is the default gateway: one script tag is all a
  // publisher needs, wherever the gateway runs. `data-kasse-gateway` or `config.gateway` win.
  if (!config.gateway && !host.dataset.kasseGateway) config = { ...config, gateway: base.origin };
  // The offer is fetched while the bundle loads, not after it (and asked for after the bundle,
  // which takes longer); the widget fetches (and retries) itself when this fails.
  const loading = loadBundle();
  const offer = preloadOffer(host, config);
  let module;
  try {
    module = await loading;
  } catch (error) {
    fail(host, "load_failed", error);
    throw error;
  }
  const preloadedOffer = await offer;
  if (preloadedOffer) config = { ...config, preloadedOffer };
  const handle = module.mount(host, config); // throws after showing a configuration error
  handles.set(host, handle);
  return handle;
}

/** The offer's JSON from the gateway, or null (then the widget asks again itself). */
function preloadOffer(host, config) {
  const id = config.offer ?? host.dataset.kasseOffer;
  const gateway = (config.gateway ?? host.dataset.kasseGateway ?? "").replace(/\/$/, "");
  if (!id || config.preloadedOffer) return config.preloadedOffer ?? null;
  return fetch(`${gateway}/kasse/v1/offers/${encodeURIComponent(id)}`)
    .then((r) => (r.ok ? r.json() : null))
    .catch(() => null);
}

/** Removes the widget from `host`; safe to call on a host without one. */
function unmount(host) {
  const handle = handles.get(host);
  if (handle) {
    handles.delete(host);
    handle.unmount();
  }
}

const report = (error) => console.error("Kasse:", error);
// A failed prefetch stays quiet: the mount retries and explains.
const prefetch = () => loadBundle().catch(() => {});

/** Calls `act` once per observed host, when it comes within `margin` of the viewport. */
function watch(margin, act) {
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      observer.unobserve(entry.target);
      act(entry.target);
    }
  }, { rootMargin: `${margin}px 0px` });
  return observer;
}

const observers = "IntersectionObserver" in window
  ? [watch(600, prefetch), watch(200, (host) => mount(host).catch(report))]
  : [];

// Pointing at or focusing a host is intent: fetch before it scrolls near (hosts not yet scanned too).
const intent = (event) => event.target.closest?.(HOSTS) && prefetch();
for (const type of ["pointerover", "focusin"]) document.addEventListener(type, intent, { passive: true });

/** Finds host elements not yet seen (call again after a single-page app renders new ones). */
function scan(root = document) {
  for (const host of root.querySelectorAll(HOSTS)) {
    if (host.dataset.kasseSeen) continue;
    host.dataset.kasseSeen = "1";
    for (const observer of observers) observer.observe(host);
    if (!observers.length) mount(host).catch(report);
  }
}

window.Kasse = Object.freeze({ mount, unmount, scan });
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => scan());
else scan();
