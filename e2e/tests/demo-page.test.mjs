// The demo article page: the widget mounts inside a shadow root, under the gateway's strict CSP.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { KASSE_URL, SANDBOX_URL, launch, newPage, screenshot, fillReader, resetSandbox } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("the demo page shows a labelled checkout form inside a shadow root", async () => {
  const page = await newPage(browser);
  const response = await page.goto(`${KASSE_URL}/`);
  assert.equal(response.status(), 200);
  const csp = response.headers()["content-security-policy"] ?? "";
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(csp, /unsafe-inline/);

  const host = page.locator('[data-kasse-offer="digital-month"]');
  await host.scrollIntoViewIfNeeded();
  // Playwright's CSS locators pierce open shadow roots; the form must be in the shadow tree only.
  const form = host.locator("form");
  await form.waitFor({ timeout: 15000 });
  // The page is Norwegian (<html lang="nb">), so is the widget.
  for (const label of ["E-post", "Postnummer"]) {
    await page.getByLabel(label).first().waitFor();
  }
  const inShadow = await host.evaluate((element) => ({
    shadow: element.shadowRoot?.querySelector("form") !== null,
    light: element.querySelector("form") !== null,
    adopted: element.shadowRoot?.adoptedStyleSheets.length ?? 0,
  }));
  assert.deepEqual(inShadow, { shadow: true, light: false, adopted: 1 });

  // The page's CSS does not reach into the widget, and the widget's own stylesheet applies.
  const submitDisplay = await host.locator("button[type=submit]").evaluate((b) => getComputedStyle(b).borderTopWidth);
  assert.equal(submitDisplay, "0px");
  await screenshot(page, "demo-form");
  assert.deepEqual(page.problems, [], "no console errors or CSP violations");
  await page.context().close();
});

test("the widget has no WCAG 2.2 AA violations axe can find, also with errors shown", async () => {
  // axe is injected as a script, which the page's strict CSP would (rightly) refuse.
  const page = await newPage(browser, { bypassCSP: true });
  await page.goto(`${KASSE_URL}/`);
  const host = page.locator('[data-kasse-offer="digital-month"]');
  await host.scrollIntoViewIfNeeded();
  await host.locator("form").waitFor({ timeout: 15000 });
  await page.addScriptTag({ path: new URL("../node_modules/axe-core/axe.min.js", import.meta.url).pathname });
  const audit = () => page.evaluate(async () => {
    const result = await window.axe.run('[data-kasse-offer="digital-month"]', {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  assert.deepEqual(await audit(), [], "fresh form");
  await host.locator("button[type=submit]").click();
  await host.locator("[aria-invalid=true]").first().waitFor();
  assert.deepEqual(await audit(), [], "form with errors");
  await page.context().close();
});

test("everything works by keyboard: tab to the fields, type, choose, submit", async () => {
  const page = await newPage(browser);
  await page.goto(`${KASSE_URL}/`);
  const host = page.locator('[data-kasse-offer="digital-month"]');
  await host.scrollIntoViewIfNeeded();
  await host.locator("form").waitFor({ timeout: 15000 });
  await host.locator("#firstName").focus();
  await page.keyboard.type("Kari");
  await page.keyboard.press("Tab");
  await page.keyboard.type("Nordmann");
  await page.keyboard.press("Tab");
  await page.keyboard.type("kari@example.no");
  // The country comes before the fields it governs (phone, postal code).
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.querySelector('[data-kasse-offer="digital-month"]').shadowRoot.activeElement?.id), "countryCode");
  await page.keyboard.press("Tab");
  await page.keyboard.type("91234567");
  await page.keyboard.press("Tab");
  await page.keyboard.type("0150");
  assert.equal(await host.locator("#postalCode").inputValue(), "0150");
  // Submitting by Enter with the terms unticked: focus lands on the one problem.
  await page.keyboard.press("Enter");
  await host.locator("#acceptTerms[aria-invalid=true]").waitFor();
  await page.waitForFunction(() => document.querySelector('[data-kasse-offer="digital-month"]').shadowRoot.activeElement?.id === "acceptTerms");
  await page.keyboard.press("Space");
  assert.equal(await host.locator("#acceptTerms").isChecked(), true);
  await page.context().close();
});

test("after a refused submit, focus stays where the reader types while the errors clear", async () => {
  const page = await newPage(browser);
  await page.goto(`${KASSE_URL}/`);
  const host = page.locator('[data-kasse-offer="digital-month"]');
  await host.scrollIntoViewIfNeeded();
  await host.locator("form").waitFor({ timeout: 15000 });
  const active = () => page.evaluate(() => document.querySelector('[data-kasse-offer="digital-month"]').shadowRoot.activeElement?.id);
  // Empty: every required field is refused, focus lands on the first (the first name is optional).
  await host.locator("button[type=submit]").click();
  await host.locator("#lastName[aria-invalid=true]").waitFor();
  await page.waitForFunction(() => document.querySelector('[data-kasse-offer="digital-month"]').shadowRoot.activeElement?.id === "lastName");
  // Key by key (each key an edit; the first clears the field's error), a frame apart.
  await page.keyboard.type("Nordmann", { delay: 40 });
  await host.locator("#firstName").focus();
  await page.keyboard.type("Kari", { delay: 40 });
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  assert.equal(await active(), "firstName", "focus stays in the field typed in");
  assert.equal(await host.locator("#lastName").inputValue(), "Nordmann");
  assert.equal(await host.locator("#firstName").inputValue(), "Kari");
  assert.equal(await host.locator("#email").inputValue(), "", "nothing typed into another field");
  // The next refused submit moves focus again, to the first field still refused.
  await host.locator("button[type=submit]").click();
  await page.waitForFunction(() => document.querySelector('[data-kasse-offer="digital-month"]').shadowRoot.activeElement?.id === "email");
  await page.context().close();
});

test("on a publisher page of another origin, the widget talks to the gateway that served kasse.js", async () => {
  // The publisher's article at http://localhost:<port> (an allowed origin in the example config),
  // the gateway at http://127.0.0.1:<port>: the one-script snippet, cross-origin.
  const publisher = KASSE_URL.replace("127.0.0.1", "localhost");
  // A page served by page.route has no network address, so Chromium's Local Network Access
  // checks treat it as public and block its requests to loopback; a real publisher page and a
  // real gateway are both public. The checks are off for this one browser only.
  const lnaOff = await launch(["--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests"]);
  try {
    await widgetTalksToItsGateway(lnaOff, publisher);
  } finally {
    await lnaOff.close();
  }
});

test("on a publisher page of another origin, an S4 order (it carries Idempotency-Key) reaches the vendor's payment page", async () => {
  // The preflight must allow every header the widget sends: an S4 order sends Idempotency-Key, and
  // a preflight without it fails the reader's order before the gateway sees it.
  await resetSandbox();
  const publisher = KASSE_URL.replace("127.0.0.1", "localhost");
  const lnaOff = await launch(["--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests"]);
  try {
    const page = await newPage(lnaOff);
    await page.route(`${publisher}/article`, (route) => route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><html lang="en"><body><h1>Article</h1>
        <script type="module" src="${KASSE_URL}/kasse.js"></script>
        <div data-kasse-offer="s4-avis-velg"></div></body></html>`,
    }));
    const refused = [];
    page.on("requestfailed", (request) => refused.push(`${request.url()}: ${request.failure()?.errorText}`));
    await page.goto(`${publisher}/article`);
    const host = page.locator('[data-kasse-offer="s4-avis-velg"]');
    await host.locator("form").waitFor({ timeout: 15000 });
    await fillReader(host);
    await host.locator("#method-Vipps").check();
    await host.locator("button[type=submit]").click();
    await page.waitForURL((url) => url.href.startsWith(`${SANDBOX_URL}/s4/terminal/`), { timeout: 20000 });
    assert.deepEqual(refused.filter((r) => r.includes("/kasse/v1/")), [], "no API call refused");
    await page.context().close();
  } finally {
    await lnaOff.close();
  }
});

async function widgetTalksToItsGateway(browser, publisher) {
  const page = await newPage(browser);
  await page.route(`${publisher}/article`, (route) => route.fulfill({
    contentType: "text/html",
    body: `<!doctype html><html lang="en"><body><h1>Article</h1>
      <script type="module" src="${KASSE_URL}/kasse.js"></script>
      <div data-kasse-offer="digital-month"></div></body></html>`,
  }));
  const api = [];
  page.on("request", (request) => { if (request.url().includes("/kasse/v1/")) api.push(request.url()); });
  // The bundle's chunks come from the gateway too, fetched by its glue across origins.
  const chunk = (name) => page.waitForResponse((r) => r.url().startsWith(`${KASSE_URL}/widget/kasse-${name}-`));
  const session = chunk("split_session");
  await page.goto(`${publisher}/article`);
  const host = page.locator('[data-kasse-offer="digital-month"]');
  await host.locator("form").waitFor({ timeout: 15000 });
  assert.equal(await host.locator("label[for=email]").textContent(), "Email");
  assert.ok((await session).ok(), "the session's chunk, cross-origin");
  const actions = chunk("split_actions");
  await host.locator("#email").focus();
  assert.ok((await actions).ok(), "the actions' chunk, cross-origin");
  assert.ok(api.length > 0 && api.every((url) => url.startsWith(`${KASSE_URL}/kasse/v1/`)), api.join(", "));
  await page.context().close();
}
