import { createHmac } from "node:crypto";
// Shared set-up for the e2e tests: Debian's Chromium driven by playwright-core (Playwright's own
// browser download cannot work on this closed network), and the URLs of the stack that
// `cargo xtask test` started.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export const KASSE_URL = required("KASSE_URL");
export const SANDBOX_URL = required("KASSE_SANDBOX_URL");
export const ARTIFACTS = process.env.KASSE_ARTIFACTS ?? new URL("../artifacts/", import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e suite through \`cargo xtask test --suite e2e\``);
  return value.replace(/\/$/, "");
}

/** Chromium as the tests drive it. `backForwardCache`: keep the cache readers' browsers have
 *  (Playwright turns it off by default), so the back button restores a page as it was left. */
export async function launch(extraArgs = [], { backForwardCache = false } = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    ignoreDefaultArgs: backForwardCache ? ["--disable-back-forward-cache"] : [],
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      ...extraArgs,
    ],
  });
}

/** A fresh page that records console errors and CSP violations, so tests can assert there are none. */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.problems = [];
  // Only our pages count: the vendor's (sandbox's) payment page is not ours to judge.
  page.on("console", (message) => {
    if (message.type() === "error" && (message.location().url ?? "").startsWith(KASSE_URL)) {
      page.problems.push(message.text());
    }
  });
  page.on("pageerror", (error) => page.problems.push(String(error)));
  return page;
}

export function screenshot(page, name) {
  return page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Sandbox control: every order as the vendor received it. */
export async function sandboxOrders() {
  const response = await fetch(`${SANDBOX_URL}/__sandbox/orders`);
  if (!response.ok) throw new Error(`/__sandbox/orders answered ${response.status}`);
  return (await response.json()).filter((order) => order.api === "connectid");
}

export async function resetSandbox() {
  const response = await fetch(`${SANDBOX_URL}/__sandbox/reset`, { method: "POST" });
  if (!response.ok) throw new Error(`/__sandbox/reset answered ${response.status}`);
}

export async function setFaults(faults) {
  const response = await fetch(`${SANDBOX_URL}/__sandbox/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(faults),
  });
  if (!response.ok) throw new Error(`/__sandbox/faults answered ${response.status}: ${await response.text()}`);
}

/** The demo page with the widget for `offer` scrolled into view and loaded. */
export async function openWidget(page, offer) {
  await page.goto(`${KASSE_URL}/`);
  const host = page.locator(`[data-kasse-offer="${offer}"]`);
  await host.scrollIntoViewIfNeeded();
  await host.locator("form").waitFor({ timeout: 20000 });
  return host;
}

/** A reader's details, typed the way readers type them. */
export const KARI = {
  firstName: "Kari",
  lastName: "Nordmann",
  email: "kari.nordmann@example.no",
  phone: "912 34 567",
  postalCode: "0150",
};

/** Where paper is delivered, for offers that ask for an address. */
export const KARI_ADDRESS = { street: "Osloveien 12", postalPlace: "Oslo" };

export async function fillReader(host, reader = KARI) {
  for (const [id, value] of Object.entries(reader)) {
    await host.locator(`#${id}`).fill(value);
  }
  for (const [id, value] of Object.entries(KARI_ADDRESS)) {
    if (await host.locator(`#${id}`).count()) await host.locator(`#${id}`).fill(value);
  }
  await host.locator("#acceptTerms").check();
}

/** A prepayment voucher as a publisher's server signs one after taking the payment: a JWT, HS256,
 *  with the demo's secret (`KASSE_PREPAYMENT_SECRET` of the stack xtask starts). */
export function signVoucher(claims, secret = "kasse-demo-prepayment-secret") {
  const b64 = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const body = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(claims)}`;
  const signature = createHmac("sha256", secret).update(body).digest("base64url");
  return `${body}.${signature}`;
}

/** Mounts the prepaid offer `gift-3m` with `Kasse.mount` into a new `#gift` host, with a voucher
 *  for a payment `transactionId` the publisher took; returns the host's locator and the voucher. */
export async function mountPrepaidGift(page, transactionId) {
  const voucher = signVoucher({
    offer: "gift-3m", amount: 39900, currency: "NOK", transactionId, merchantId: "54823419",
    exp: Math.floor(Date.now() / 1000) + 600, jti: `e2e-${transactionId}-${Date.now()}`,
  });
  await page.evaluate(async ({ voucher, transactionId }) => {
    const element = document.createElement("div");
    element.id = "gift";
    document.querySelector("main").append(element);
    await window.Kasse.mount(element, {
      offer: "gift-3m",
      prepayment: { voucher, transactionId, merchantId: "54823419" },
    });
  }, { voucher, transactionId });
  return { host: page.locator("#gift"), voucher };
}
