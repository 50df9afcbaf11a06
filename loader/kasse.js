// Kasse loader: the one script a publisher adds (`<script type="module" src=".../kasse.js">`).
// It stays tiny and does no work on page load: the WebAssembly bundle is fetched and compiled (and
// rehearsed once, see `rehearse`) when a host comes within 600 px of the viewport or the reader
// points at or focuses one, and a widget mounts within 200 px or on `Kasse.mount`. Load failures
// are retried with backoff (ad-blockers and flaky networks are real), then shown in the host,
// never a blank box.
const base = new URL("./", import.meta.url);
const HOSTS = "[data-kasse-offer]";
// One bundle (JS glue, wasm) per back end, so a reader downloads only the checkout of the back end
// the offer is sold through. The release build (xtask/src/bundle.rs) writes in each one's
// content-hashed names, which are cached for good; this file's own name stays stable. A plain
// `trunk build` leaves one bundle with both back ends under the plain names.
const BUNDLES = {};
const PLAIN = ["widget/kasse.js", "widget/kasse_bg.wasm"];
// Which back end an offer is sold through, written into the string by the gateway that serves
// this file (a string, so that the minifier leaves it for the gateway to find): its catalog's ids
// hashed into buckets, each bucket the `d`efault or the `o`ther back end. The file names no offer.
const BACKENDS = JSON.parse("{}");
const handles = new WeakMap();
// Hosts whose mount waits for its bundle: the preview it may show meanwhile (see `preview`).
const waiting = new WeakMap();
const bundles = new Map();
// Bundles (by wasm name) whose rehearsal has started, and bundle modules that mounted a widget
// (their code is compiled: nothing left to rehearse).
const rehearsals = new Set();
const mounted = new WeakSet();
// Bundles (by wasm name) that have started: a mount with one of these needs no preview.
const started = new Set();

/** The files of `backend`'s bundle; any bundle's when there is one (or `backend` is unknown). */
function filesOf(backend) {
  return BUNDLES[backend] ?? Object.values(BUNDLES)[0] ?? PLAIN;
}

// The wasm is fetched and compiled while the glue loads, not after it. Without `application/wasm`
// (a misconfigured server) streaming compilation refuses, and the glue's own fallback runs.
const compileWasm = (wasm) => {
  const url = new URL(wasm, base);
  const response = early.get(wasm) ?? fetch(url);
  early.delete(wasm);
  return WebAssembly.compileStreaming(response).catch(() => url);
};

// Wasm asked for beside a preview, at low priority (wasm name → its response): its bytes arrive
// while the preview is shown, and it is compiled once the preview is on screen.
const early = new Map();
function fetchEarly(wasm) {
  if (bundles.has(wasm) || early.has(wasm)) return;
  const response = fetch(new URL(wasm, base), { priority: "low" });
  response.catch(() => {}); // compileWasm sees a failure, and the glue fetches again
  early.set(wasm, response);
}

function loadBundle(backend, attempt = 0) {
  const [glue, wasm] = filesOf(backend);
  // The wasm's request goes first: it is the largest and must be compiled, so it is what the
  // widget waits for.
  if (!bundles.has(wasm)) {
    const loading = Promise.all([compileWasm(wasm), import(new URL(glue, base).href)])
      .then(async ([compiled, module]) => {
        await module.default({ module_or_path: compiled });
        started.add(wasm);
        return module;
      })
      .catch((error) => {
        bundles.delete(wasm);
        if (attempt >= 2) throw error;
        return new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt))
          .then(() => loadBundle(backend, attempt + 1));
      });
    bundles.set(wasm, loading);
  }
  return bundles.get(wasm);
}

/** The gateway a host talks to: `config.gateway` wins over `data-kasse-gateway`; empty for the
 *  page's own origin. The attribute may only name a gateway on this file's origin: markup can come
 *  from anyone (a comment kept by a sanitizer that allows `data-*`), and another gateway would get
 *  the reader's details and write the preview's HTML into the page. The publisher's own script
 *  names any gateway with `Kasse.mount(host, { gateway })`. */
const gatewayOf = (host, config) => config.gateway ?? ownGateway(host.dataset.kasseGateway) ?? "";

function ownGateway(url) {
  if (url == null) return undefined;
  try {
    if (new URL(url, base).origin === base.origin) return url;
  } catch {
    // Not a URL: refused below.
  }
  console.error("Kasse: data-kasse-gateway must be on the origin kasse.js is served from; ignored:", url);
  return undefined;
}

/** The offer a host shows: `config.offer` wins over `data-kasse-offer`. */
const offerOf = (host, config = {}) => config.offer ?? host.dataset.kasseOffer;

/** The back end `BACKENDS` gives offer `id` (kasse-gateway's `BackendTable`: FNV-1a of the id's
 *  UTF-8, seeded, into the mask's buckets); undefined without a table. */
function backendOf(id) {
  const { d, o, s = 0, m = "" } = BACKENDS;
  if (!d || id == null) return undefined;
  let hash = (0x811c9dc5 ^ s) >>> 0;
  for (const byte of new TextEncoder().encode(id)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  const bucket = hash % (m.length * 4 || 1);
  return (parseInt(m[bucket >> 2] ?? "0", 16) >> (bucket & 3)) & 1 ? o : d;
}

function fail(host, code, error, shown) {
  console.error("Kasse:", code, error);
  // Over a preview the reader typed into, the fields stay (they can copy what they wrote), a
  // held press is let go, and the failure is said in the preview's language.
  const status = shown?.root?.querySelector(".kasse__status");
  if (status) {
    shown.failed = true;
    shown.held?.removeAttribute("aria-busy");
    shown.held?.removeAttribute("aria-disabled");
    status.textContent = shown.answer.failed;
    status.setAttribute("role", "alert");
  } else (host.shadowRoot ?? host).textContent = "Kasse: the checkout could not be loaded. Please reload the page.";
  tell(host, "error", { offer: shown?.offer ?? offerOf(host), code, retryable: true });
}

/** Fires `kasse:<type>` on `host`, as the widget fires its events. */
const tell = (host, type, detail) =>
  host.dispatchEvent(new CustomEvent(`kasse:${type}`, { bubbles: true, composed: true, detail }));

/** Mounts a widget into `host` (any element); `config` keys win over `data-kasse-*` attributes. */
async function mount(host, config = {}) {
  unmount(host);
  // This host is the caller's now: the loader's own mount (near the viewport) leaves it alone.
  host.dataset.kasseSeen = "1";
  for (const observer of observers) observer.unobserve(host);
  // The gateway that served this script is the default gateway: one script tag is all a
  // publisher needs, wherever the gateway runs. `config.gateway` wins, then a
  // `data-kasse-gateway` on this file's origin (see `gatewayOf`).
  config = { ...config, gateway: gatewayOf(host, config) || base.origin };
  // A bundle not yet started (not fetched ahead) is compiled after the gateway's preview of the
  // form is shown: the reader sees and fills in the preview meanwhile, and the preview's answer
  // and paint do not wait behind the bundle's compilation (measured: twice as long beside it).
  // Its wasm is downloaded beside the preview at low priority: on a slow phone that brings the
  // widget running forward by a fifth (940 → 710 ms), the preview's time unchanged.
  const guess = backendOf(offerOf(host, config));
  const shown = { offer: offerOf(host, config) };
  waiting.set(host, shown);
  const asked = started.has(filesOf(guess)[1]) ? null : preview(host, config);
  const previewed = asked?.then((answer) => waiting.get(host) === shown && paint(host, answer, shown));
  if (previewed && guess) fetchEarly(filesOf(guess)[1]);
  // The offer is fetched while the bundle loads, not after it; the widget fetches (and retries)
  // itself when this fails. Its answer corrects the bundle when the catalog changed after this
  // file was served. The preview's answer carries it: then it is not asked for apart.
  // A preview slower than a second (or none at all) does not hold the offer back either.
  const offer = asked && !config.preloadedOffer
    ? Promise.race([asked, new Promise((go) => setTimeout(go, 1000, null))])
      .then((answer) => answer?.offer ?? preloadOffer(host, config))
    : preloadOffer(host, config);
  let module;
  try {
    // A page enforcing Trusted Types refuses the preview's HTML: the widget then shows the form.
    // A preview slower than a second does not hold the bundle back any longer.
    if (previewed) await Promise.race([previewed.catch(() => {}), new Promise((go) => setTimeout(go, 1000))]);
    module = await loadBundle(guess ?? (await offer)?.offer?.backend);
    const backend = (await offer)?.offer?.backend;
    if (guess && backend && backend !== guess) module = await loadBundle(backend);
    await composed(shown);
  } catch (error) {
    // Unmounted or mounted again meanwhile: the failure is no longer this mount's to show.
    if (waiting.get(host) !== shown) return null;
    // The preview (and its listeners) stays until the host's next mount or unmount.
    fail(host, "load_failed", error, shown);
    throw error;
  }
  const preloadedOffer = await offer;
  // Unmounted, or mounted again, meanwhile: this mount ends here.
  if (waiting.get(host) !== shown) return null;
  waiting.delete(host);
  if (preloadedOffer) config = { ...config, preloadedOffer };
  // Taking over a preview: what the reader did in it is done again in the widget.
  const typed = shown.root && harvest(shown);
  if (typed) config = { ...config, previewed: true };
  const handle = module.mount(host, config); // throws after showing a configuration error
  mounted.add(module);
  handles.set(host, handle);
  if (typed) replay(host.shadowRoot, typed);
  // The publisher's handle ends this mount only, once: the widget's own handle is used up by its
  // first unmount, and a later mount of the host is not this handle's to end.
  return Object.freeze({ unmount: () => handles.get(host) === handle && unmount(host) });
}

/**
 * The checkout's first screen, rendered by the gateway from the widget's own views
 * (`GET …/offers/{id}/preview`), or null. A reader back from payment or login gets none (nor one
 * with a draft: see `paint`): the widget restores their state itself.
 */
function preview(host, config) {
  const id = offerOf(host, config);
  if (!id || /[?&]kasse(Login)?=/.test(location.search)) return Promise.resolve(null);
  const gateway = gatewayOf(host, config);
  // The language hint the widget reads: the publisher's, else the page's, else the browser's.
  const lang = document.documentElement.lang.trim();
  const locale = config.locale ?? host.dataset.kasseLocale ?? (lang || navigator.languages.join(","));
  const query = [["locale", locale], ["page", location.href], ["gateway", gateway]]
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join("&");
  return fetch(`${gateway.replace(/\/$/, "")}/kasse/v1/offers/${encodeURIComponent(id)}/preview?${query}`)
    .then((r) => (r.ok ? r.json() : null))
    .catch(() => null);
}

/** Whether the reader has a draft or an order under way for offer `id` (read once the preview
 *  is asked for: the first read of the tab's storage takes the browser milliseconds). */
function stored(id) {
  try {
    return Object.keys(sessionStorage).some((key) => key.startsWith(`kasse:${id}:`));
  } catch {
    return false; // Storage refused (a sandboxed frame): the widget has no draft either.
  }
}

let policy; // not made yet; `false`: the page refused it
/** The preview's HTML (the gateway's rendering of the widget's own views, its text escaped) as
 *  the page lets it be written: through a Trusted Types policy named `kasse` where the browser has
 *  them (a page enforcing them lists it: `trusted-types kasse`), else as it is; `null` when the page
 *  refuses the policy: no preview then, and the widget renders the checkout itself. */
function trusted(html) {
  if (!window.trustedTypes) return html;
  if (policy === undefined) {
    try {
      policy = trustedTypes.createPolicy("kasse", { createHTML: (text) => text });
    } catch {
      policy = false;
    }
  }
  return policy ? policy.createHTML(html) : null;
}

/**
 * Shows `answer` in `host` until the widget takes over: the fields take input, and a press (a
 * button, or Enter in a field) is held, shown busy, and pressed again in the widget. Tells the
 * page `kasse:ready`: the form is there to fill in.
 */
function paint(host, answer, shown) {
  if (!answer || host.shadowRoot || stored(shown.offer)) return;
  const html = trusted(answer.html);
  if (html === null) return;
  let root;
  try {
    root = host.attachShadow({ mode: "open" });
  } catch {
    return; // an element that cannot hold a shadow root: the widget's mount says so
  }
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(answer.css);
  root.adoptedStyleSheets = [sheet];
  root.innerHTML = html;
  // The listeners go when the widget takes over the same shadow root (`harvest`).
  const listening = new AbortController();
  Object.assign(shown, { root, answer, touched: new Set(), listening });
  const on = (type, listener) => root.addEventListener(type, listener, { signal: listening.signal });
  const touch = (event) => event.target.id && shown.touched.add(event.target.id);
  on("input", touch);
  on("change", touch);
  on("compositionstart", () => (shown.composing = true));
  on("compositionend", () => {
    shown.composing = false;
    shown.composed?.();
  });
  on("submit", (event) => event.preventDefault());
  on("click", (event) => {
    // A button, or the login link: the widget presses it again, having taken what was typed in
    // (the link leaves the page, and the widget keeps a draft to come back to).
    const held = event.target.closest("button, a.kasse__login");
    // Once the bundle failed, a button does nothing more (its failure is on screen), a link leaves.
    if (!held || (shown.failed && held.tagName === "A")) return;
    event.preventDefault();
    if (shown.pressed || shown.failed) return;
    shown.pressed = held.className;
    shown.held = held;
    // Not `disabled`: that would take focus from it, and the takeover gives focus back.
    held.setAttribute("aria-disabled", "true");
    held.setAttribute("aria-busy", "true");
    const status = root.querySelector(".kasse__status");
    if (status) status.textContent = answer.busy;
  });
  tell(host, "ready", { offer: shown.offer, locale: answer.locale });
}

/** Once the reader's composition in a preview (an IME's, or the word a phone's keyboard is
 *  composing) has ended, or after two seconds of it: taking the field over cuts a composition,
 *  and the keyboard would then type its text a second time. */
const composed = (shown) =>
  shown.composing && new Promise((done) => {
    shown.composed = done;
    setTimeout(done, 2000);
  });

/** What the reader did in a preview: the fields they changed, where the caret is, a press;
 *  the preview stops listening. */
function harvest({ root, touched, pressed, listening }) {
  listening.abort();
  const fields = [...touched].map((id) => {
    const { value, checked } = root.getElementById(id);
    return { id, value, checked };
  });
  const active = root.activeElement;
  let caret;
  try {
    caret = active && [active.selectionStart, active.selectionEnd];
  } catch {
    // Not a text field.
  }
  return { fields, focus: active?.id, caret, pressed };
}

/** Does `typed` again in the widget's own fields, as the reader's browser would. */
function replay(root, { fields, focus, caret, pressed }) {
  for (const { id, value, checked } of fields) {
    const field = root.getElementById(id);
    if (!field) continue;
    // A radio the reader left is unchecked by the one they chose; a browser fires no event for
    // it, and a `change` from it would choose it again.
    if (field.type === "radio" && !checked) continue;
    if (field.type === "checkbox" || field.type === "radio") field.checked = checked;
    else field.value = value;
    for (const type of ["input", "change"]) field.dispatchEvent(new Event(type, { bubbles: true }));
  }
  // An element with no id (`""`) had focus: nothing to give it back to.
  const field = focus ? root.getElementById(focus) : null;
  field?.focus();
  // Once the widget's own updates of the fields have run (they set each value again).
  setTimeout(() => {
    try {
      if (caret?.[0] != null) field.setSelectionRange(...caret);
    } catch {
      // A field without a caret.
    }
  });
  if (pressed) root.querySelector(`[class="${pressed}"]`)?.click();
}

/** The offer's JSON from the gateway, or null (then the widget asks again itself). */
function preloadOffer(host, config) {
  const id = offerOf(host, config);
  const gateway = gatewayOf(host, config).replace(/\/$/, "");
  if (!id || config.preloadedOffer) return config.preloadedOffer ?? null;
  return fetch(`${gateway}/kasse/v1/offers/${encodeURIComponent(id)}`)
    .then((r) => (r.ok ? r.json() : null))
    .catch(() => null);
}

/** Removes the widget from `host`, or ends its mount under way and the preview it shows; safe
 *  to call on a host without one. */
function unmount(host) {
  const shown = waiting.get(host);
  if (shown) {
    waiting.delete(host);
    shown.listening?.abort();
    shown.root?.replaceChildren();
  }
  const handle = handles.get(host);
  if (handle) {
    handles.delete(host);
    handle.unmount();
  }
}

const report = (error) => console.error("Kasse:", error);
const idle = (task) => ("requestIdleCallback" in window ? requestIdleCallback(task, { timeout: 2000 }) : setTimeout(task, 50));
// A failed prefetch stays quiet: the mount retries and explains. Without a table (a loader the
// gateway did not serve) the bundle is left to the mount, which learns the offer's back end.
const prefetch = (host) => {
  const backend = backendOf(offerOf(host));
  if (!backend && Object.keys(BUNDLES).length) return;
  const loading = loadBundle(backend);
  loading.catch(() => {});
  rehearse(host, backend, loading);
};

/**
 * Once per bundle, when the browser is idle after fetching it ahead of a mount: one rehearsal
 * render of `host`'s offer (the bundle's `rehearse`: out of the page, inert), since the browser
 * compiles each wasm function on its first call, and that should not be the reader's mount. The
 * offer's answer is the one the mount asks for (cacheable, so the mount may find it cached).
 */
function rehearse(host, backend, loading) {
  const id = offerOf(host);
  const wasm = filesOf(backend)[1];
  if (!id || rehearsals.has(wasm)) return;
  rehearsals.add(wasm);
  const config = { offer: id, gateway: gatewayOf(host, {}) || base.origin };
  Promise.all([loading, preloadOffer(host, config)])
    .then(([module, preloadedOffer]) => {
      // Another back end's offer (the catalog changed since the table) is not this bundle's.
      if (!preloadedOffer || (backend && preloadedOffer.offer?.backend !== backend)) return;
      idle(() => mounted.has(module) || module.rehearse?.({ ...config, preloadedOffer }));
    })
    .catch(() => {});
}

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
const intent = (event) => {
  const host = event.target.closest?.(HOSTS);
  if (host) prefetch(host);
};
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
