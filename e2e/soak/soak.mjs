// The soak: readers buying through the real widget in headless Chromium while the vendor (the
// sandbox) fails a good share of its calls and `cargo xtask soak` SIGKILLs and restarts the
// gateway. Each reader has an e-mail of their own, so the vendor's order list says what each
// reader's attempt made. Prints one JSON line (`SOAK {...}`) with the figures; xtask judges.
//
// Env: KASSE_URL, KASSE_SANDBOX_URL (from xtask), SOAK_SUBMISSIONS (200), SOAK_READERS (3 at
// once), SOAK_FAULT_RATE (0.35), SOAK_TIMEOUT_MS (the sandbox's `timeout` fault; longer than the
// gateway's upstream timeout).
import { KASSE_URL, SANDBOX_URL, launch, newPage, setFaults, resetSandbox, signVoucher, KARI } from "../tests/browser.mjs";

const SUBMISSIONS = Number(process.env.SOAK_SUBMISSIONS ?? 200);
const READERS = Number(process.env.SOAK_READERS ?? 3);
const FAULT_RATE = Number(process.env.SOAK_FAULT_RATE ?? 0.35);
const TIMEOUT_MS = Number(process.env.SOAK_TIMEOUT_MS ?? 2500);
/** How long one reader keeps trying before giving up (bounded, like everything here). */
const PATIENCE_MS = 120_000;

/** What reader `i` does: pays by card, cancels on the payment page, pays by invoice, or is
 *  prepaid with a voucher; some double-click, some reload while the order is on its way. */
function scenario(i) {
  const kinds = ["card-pay", "invoice", "card-cancel", "prepaid", "card-pay", "invoice"];
  const kind = kinds[i % kinds.length];
  return { kind, doubleClick: i % 3 === 1, reload: kind !== "prepaid" && i % 4 === 2 };
}

const offerOf = { "card-pay": "digital-month", "card-cancel": "digital-month", invoice: "invoice-year", prepaid: "gift-3m" };

async function sleep(ms) { await new Promise((r) => setTimeout(r, ms)); }

/** Navigates, as a reader does when the page does not load: again, a moment later. */
async function visit(page, url) {
  for (let tries = 0; tries < 40; tries++) {
    try {
      await page.goto(url, { timeout: 15000 });
      if (!page.url().startsWith("chrome-error:")) return;
    } catch { /* the gateway is restarting */ }
    await sleep(500);
  }
  throw new Error(`could not load ${url}`);
}

async function mount(page, i, s) {
  await visit(page, `${KASSE_URL}/`);
  if (s.kind !== "prepaid") {
    const host = page.locator(`[data-kasse-offer="${offerOf[s.kind]}"]`);
    await host.scrollIntoViewIfNeeded();
    return host;
  }
  const voucher = signVoucher({
    offer: "gift-3m", amount: 39900, currency: "NOK", transactionId: `SOAK-${i}`, merchantId: "54823419",
    exp: Math.floor(Date.now() / 1000) + 3000, jti: `soak-${i}-${Date.now()}`,
  });
  await page.evaluate(async ({ voucher, i }) => {
    const element = document.createElement("div");
    element.id = "prepaid";
    document.querySelector("main").append(element);
    await window.Kasse.mount(element, { offer: "gift-3m", prepayment: { voucher, transactionId: `SOAK-${i}`, merchantId: "54823419" } });
  }, { voucher, i });
  return page.locator("#prepaid");
}

async function fill(host, email) {
  await host.locator("form").waitFor({ timeout: 20000 });
  const reader = { ...KARI, email };
  for (const [id, value] of Object.entries(reader)) await host.locator(`#${id}`).fill(value);
  for (const [id, value] of Object.entries({ street: "Osloveien 12", postalPlace: "Oslo" })) {
    if (await host.locator(`#${id}`).count()) await host.locator(`#${id}`).fill(value);
  }
  await host.locator("#acceptTerms").check();
}

/** One reader, start to end. Returns what the reader saw. */
async function reader(browser, i) {
  const s = scenario(i);
  const email = `soak-${i}@example.no`;
  const page = await newPage(browser);
  let returnUrl = null;
  page.on("request", (r) => {
    if (r.isNavigationRequest() && r.url().startsWith(KASSE_URL) && r.url().includes("fulfillmentStatus")) returnUrl = r.url();
  });
  const seen = { i, kind: s.kind, email, outcome: "gave-up", orderId: null, retries: 0, reloads: 0, paymentPage: false };
  try {
    let host = await mount(page, i, s);
    await fill(host, email);
    const submit = host.locator("button[type=submit]");
    if (s.doubleClick) await submit.dblclick(); else await submit.click();
    if (s.reload) {
      await sleep(80);
      await visit(page, `${KASSE_URL}/`).catch(() => {});
      seen.reloads++;
      host = page.locator(`[data-kasse-offer="${offerOf[s.kind]}"]`);
    }
    const deadline = Date.now() + PATIENCE_MS;
    while (Date.now() < deadline) {
      const url = page.url();
      if (url.startsWith("chrome-error:")) {
        await visit(page, returnUrl ?? `${KASSE_URL}/`);
        seen.reloads++;
        continue;
      }
      if (url.startsWith(`${SANDBOX_URL}/user/fulfillment`)) {
        seen.paymentPage = true;
        const action = s.kind === "card-cancel" ? "Cancel" : "Pay";
        await page.getByRole("button", { name: action }).click({ timeout: 10000 }).catch(() => {});
        await page.waitForURL((u) => !u.href.startsWith(SANDBOX_URL), { timeout: 15000 }).catch(() => {});
        continue;
      }
      const receipt = host.locator(".kasse__receipt");
      if (await receipt.isVisible().catch(() => false)) {
        seen.outcome = "receipt";
        seen.orderId = ((await receipt.textContent()) ?? "").match(/\d+/)?.[0] ?? null;
        break;
      }
      const alert = host.locator("[role=alert]");
      if (s.kind === "card-cancel" && /avbrutt/.test((await alert.textContent({ timeout: 200 }).catch(() => "")) ?? "")) {
        seen.outcome = "cancelled";
        break;
      }
      const retry = host.locator("button.kasse__retry");
      if (await retry.isVisible().catch(() => false)) {
        await retry.click().catch(() => {});
        seen.retries++;
      } else if (
        seen.reloads > 0 && !seen.paymentPage
        && (await submit.isVisible().catch(() => false)) && (await submit.isEnabled().catch(() => false))
      ) {
        // Back on the form after a reload: the draft is there; the reader presses Buy again.
        // Not once they have been on the payment page: a reader who cancelled there is told so
        // on the form, and one who presses Buy after that means a new order (the notice may
        // come just after this loop looked for it).
        await submit.click().catch(() => {});
        seen.retries++;
      }
      await sleep(400);
    }
  } catch (e) {
    seen.error = String(e).slice(0, 200);
  }
  await page.context().close();
  return seen;
}

async function json(path) {
  const r = await fetch(`${SANDBOX_URL}${path}`);
  if (!r.ok) throw new Error(`${path} answered ${r.status}`);
  return r.json();
}

/** The oracle: the vendor's orders against what the readers saw. */
function judge(readers, orders, requests) {
  const byEmail = new Map();
  for (const o of orders.filter((o) => o.api === "connectid")) {
    const email = o.body?.payer?.emails?.[0] ?? "";
    byEmail.set(email, [...(byEmail.get(email) ?? []), o]);
  }
  let duplicates = 0;
  let lost = 0;
  const problems = [];
  const emails = new Set(readers.map((r) => r.email));
  for (const [email, list] of byEmail) {
    if (list.length > 1) { duplicates += list.length - 1; problems.push(`${email}: ${list.length} vendor orders`); }
    if (!emails.has(email)) { lost += list.length; problems.push(`${email}: a vendor order no reader owns`); }
  }
  for (const r of readers) {
    const mine = byEmail.get(r.email) ?? [];
    const done = mine.find((o) => o.state === "completed" && o.assignment);
    if (r.outcome === "receipt" && !done) { lost++; problems.push(`reader ${r.i} (${r.kind}) saw a receipt without a completed, assigned order`); }
    const paid = mine.find((o) => o.state === "completed");
    if (paid && r.outcome !== "receipt") { lost++; problems.push(`reader ${r.i} (${r.kind}) paid (order ${paid.orderId}) but saw no receipt: ${r.outcome} ${r.error ?? ""}`); }
  }
  const faults = {};
  let faultable = 0;
  for (const q of requests) {
    if (q.path.startsWith("/capi/") || q.path.startsWith("/s4/order")) faultable++;
    if (q.fault) faults[q.fault] = (faults[q.fault] ?? 0) + 1;
  }
  return { duplicates, lost, problems: problems.slice(0, 20), faults, faultable };
}

async function main() {
  await resetSandbox();
  await setFaults({ rate: FAULT_RATE, kinds: ["500", "429", "timeout", "drop"], seed: 2026, timeout_ms: TIMEOUT_MS });
  const browser = await launch();
  const readers = [];
  let next = 0;
  const started = Date.now();
  async function lane() {
    while (next < SUBMISSIONS) {
      const i = next++;
      readers.push(await reader(browser, i));
      if (readers.length % 20 === 0) console.error(`soak: ${readers.length}/${SUBMISSIONS} readers done`);
    }
  }
  await Promise.all(Array.from({ length: READERS }, lane));
  await browser.close();
  await setFaults({ rate: 0, kinds: [], seed: 1 });
  const orders = await json("/__sandbox/orders");
  const log = await json("/__sandbox/requests");
  const requests = Array.isArray(log) ? log : (log.requests ?? []);
  const verdict = judge(readers, orders, requests);
  const outcomes = {};
  for (const r of readers) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
  const summary = {
    submissions: readers.length,
    outcomes,
    retries: readers.reduce((n, r) => n + r.retries, 0),
    reloads: readers.reduce((n, r) => n + r.reloads, 0),
    doubleClicks: readers.filter((r) => scenario(r.i).doubleClick).length,
    vendorOrders: orders.filter((o) => o.api === "connectid").length,
    seconds: Math.round((Date.now() - started) / 1000),
    ...verdict,
    gaveUp: readers.filter((r) => r.outcome === "gave-up").map((r) => `${r.i}:${r.kind}:${r.error ?? ""}`).slice(0, 10),
  };
  console.log(`SOAK ${JSON.stringify(summary)}`);
}

main().catch((e) => { console.error(e); process.exit(2); });
