// The connections page in a real browser (playwright-core driving Debian's chromium).
//
//   node connections.mjs --url ISSUER/connections --email E --route /r --action connect|disconnect|paste
//                        [--token T] --out DIR
//
// Signs in on the dev sign-in page, lands on the connections page, and for --action connect clicks the route's
// Connect button: the browser goes to the service's authorization endpoint and comes back through
// /connections/callback to the page, which must show the route connected. --action paste fills the route's token
// form with --token; --action disconnect clicks Disconnect and expects the route not connected.
// Screenshot: DIR/connections-<action>.png. Prints one JSON report on the last stdout line; exits 0 only when
// every check passed.
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { runReported } from "./run-reported.mjs";

const CHROMIUM = "/usr/bin/chromium";
const STEP_TIMEOUT_MS = 20_000;
const RUN_TIMEOUT_MS = 90_000;

function parseArgs(argv) {
  const args = {};
  const names = { "--url": "url", "--email": "email", "--route": "route", "--action": "action", "--token": "token", "--out": "out" };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (!key) throw new Error(`unknown flag ${argv[i]}`);
    if (argv[i + 1] === undefined) throw new Error(`${argv[i]} needs a value`);
    args[key] = argv[i + 1];
  }
  for (const key of ["url", "email", "route", "action", "out"]) if (!args[key]) throw new Error(`missing --${key}`);
  if (args.action === "paste" && !args.token) throw new Error("--action paste needs --token");
  return args;
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

let report = { ok: false, steps: {} };

async function main() {
  const args = parseArgs(process.argv.slice(2));
  check(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: install it with apt-get install -y chromium`);
  fs.mkdirSync(args.out, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    report.console = [];
    page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") report.console.push(m.text().slice(0, 400)); });
    await page.goto(args.url);
    const field = page.locator('input[type="email"]#email[name="email"]');
    await field.waitFor();
    await field.fill(args.email);
    const landed = page.waitForResponse((r) => new URL(r.url()).pathname === new URL(args.url).pathname);
    await page.locator('button[type="submit"].primary', { hasText: "Sign in" }).click();
    const response = await landed;
    await page.waitForLoadState();
    check(response.status() === 200, `the connections page answered ${response.status()}`);
    const headers = await response.allHeaders();
    const csp = headers["content-security-policy"] ?? "";
    check(/default-src 'none'/.test(csp) && /frame-ancestors 'none'/.test(csp), `weak Content-Security-Policy: ${csp}`);
    const item = (state) => page.locator(`#connections li[data-route="${args.route}"]${state ? `[data-state="${state}"]` : ""}`);
    await item().waitFor();
    report.steps.signedIn = { ok: true, text: (await item().innerText()).replace(/\s+/g, " ").slice(0, 200) };

    if (args.action === "connect") {
      await item("not-connected").waitFor();
      await item().locator("button", { hasText: "Connect" }).click();
      await item("connected").waitFor();
    } else if (args.action === "paste") {
      await item("not-connected").waitFor();
      await item().locator('input[type="password"][name="token"]').fill(args.token);
      await item().locator("button", { hasText: "Save token" }).click();
      await item("connected").waitFor();
      const html = await page.content();
      check(!html.includes(args.token), "the page shows the pasted token back");
    } else if (args.action === "disconnect") {
      await item("connected").waitFor();
      await item().locator("button", { hasText: "Disconnect" }).click();
      await item("not-connected").waitFor();
    } else {
      throw new Error(`unknown action ${args.action}`);
    }
    check(new URL(page.url()).pathname === new URL(args.url).pathname && !page.url().includes("?"),
      `the browser ended at ${page.url()}, not the connections page`);
    const shot = path.join(args.out, `connections-${args.action}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    report.steps[args.action] = { ok: true, text: (await item().innerText()).replace(/\s+/g, " ").slice(0, 200) };
    report = { ...report, ok: true, screenshot: shot };
  } finally {
    await browser.close();
  }
  return report;
}

runReported(main, { timeoutMs: RUN_TIMEOUT_MS, partial: () => report });
