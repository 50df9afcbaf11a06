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

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}

/** A fresh page that records console errors and CSP violations, so tests can assert there are none. */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.problems = [];
  page.on("console", (message) => {
    if (message.type() === "error") page.problems.push(message.text());
  });
  page.on("pageerror", (error) => page.problems.push(String(error)));
  return page;
}

export function screenshot(page, name) {
  return page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
