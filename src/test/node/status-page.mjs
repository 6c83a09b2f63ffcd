// The status page in a real browser (playwright-core driving Debian's chromium).
//
//   node status-page.mjs --status-url URL --admin EMAIL --other EMAIL --route /r --control URL --out DIR
//
// 1. --other signs in (dev sign-in page) and gets 403.  2. --admin signs in and sees the page, --route up.
// 3. POST <control>/stop stops the route's backend; the open page (no reload) shows it down.
// 4. POST <control>/start starts it again; the open page shows it up.
// Screenshots: DIR/status-forbidden.png, status-up.png, status-down.png, status-back.png.
// Prints one JSON report on the last stdout line; exits 0 only when every check passed.
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { runReported } from "./run-reported.mjs";

const CHROMIUM = "/usr/bin/chromium";
const STEP_TIMEOUT_MS = 20_000;
const HEALTH_TIMEOUT_MS = 60_000;
const RUN_TIMEOUT_MS = 240_000;

function parseArgs(argv) {
  const args = {};
  const names = { "--status-url": "statusUrl", "--admin": "admin", "--other": "other", "--route": "route", "--control": "control", "--out": "out" };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (!key) throw new Error(`unknown flag ${argv[i]}`);
    if (argv[i + 1] === undefined) throw new Error(`${argv[i]} needs a value`);
    args[key] = argv[i + 1];
  }
  for (const key of Object.values(names)) if (!args[key]) throw new Error(`missing ${key}`);
  return args;
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

let report = { ok: false, steps: {} };

/** Opens the status page in a fresh context and signs in on the dev page as `email`; returns the page and the final response. */
async function signIn(browser, statusUrl, email) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  await page.goto(statusUrl);
  const field = page.locator('input[type="email"]#email[name="email"]');
  await field.waitFor();
  await field.fill(email);
  const finalResponse = page.waitForResponse((r) => new URL(r.url()).pathname === new URL(statusUrl).pathname);
  await page.locator('button[type="submit"].primary', { hasText: "Sign in" }).click();
  const response = await finalResponse;
  await page.waitForLoadState();
  return { context, page, response };
}

async function control(url, action) {
  const response = await fetch(`${url}/${action}`, { method: "POST" });
  check(response.status === 200, `control ${action} answered ${response.status}`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  check(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: install it with apt-get install -y chromium`);
  fs.mkdirSync(args.out, { recursive: true });
  const shot = (name) => path.join(args.out, name);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const other = await signIn(browser, args.statusUrl, args.other);
    check(other.response.status() === 403, `a user not in oauth.admins got ${other.response.status()}, not 403`);
    const otherText = (await other.page.locator("body").innerText()).replace(/\s+/g, " ");
    check(otherText.includes("not in oauth.admins"), `the 403 page does not say why: ${otherText.slice(0, 300)}`);
    await other.page.screenshot({ path: shot("status-forbidden.png"), fullPage: true });
    report.steps.forbidden = { ok: true, status: 403 };
    await other.context.close();

    const admin = await signIn(browser, args.statusUrl, args.admin);
    const { page } = admin;
    report.console = [];
    page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") report.console.push(m.text().slice(0, 400)); });
    check(admin.response.status() === 200, `the admin got ${admin.response.status()}`);
    check(page.url() === args.statusUrl, `the admin landed on ${page.url()}, not ${args.statusUrl}`);
    check(!page.url().includes("?"), "the status page URL carries parameters");
    const headers = await admin.response.allHeaders();
    const csp = headers["content-security-policy"] ?? "";
    check(/script-src 'nonce-[^']+'/.test(csp) && /frame-ancestors 'none'/.test(csp), `weak Content-Security-Policy: ${csp}`);
    const cookies = await admin.context.cookies();
    const session = cookies.find((c) => c.name.endsWith("mcp-front-page"));
    check(session, `no page session cookie: ${JSON.stringify(cookies.map((c) => c.name))}`);
    check(session.httpOnly && session.sameSite === "Lax", `the page cookie is not HttpOnly and SameSite=Lax: ${JSON.stringify({ ...session, value: "…" })}`);
    const row = page.locator(`#routes tr[data-route="${args.route}"]`);
    await page.locator(`#routes tr[data-route="${args.route}"][data-health="up"]`).waitFor({ timeout: HEALTH_TIMEOUT_MS });
    const text = (await page.locator("body").innerText()).replace(/\s+/g, " ");
    for (const heading of ["Routes", "Cluster members", "Users of the last hour", "Last refusals"]) {
      check(text.includes(heading), `the page lacks the section ${heading}`);
    }
    check(text.includes(args.admin), "the page does not name the signed-in admin");
    await page.screenshot({ path: shot("status-up.png"), fullPage: true });
    report.steps.up = { ok: true, row: (await row.innerText()).replace(/\s+/g, " ").slice(0, 300) };

    const loads = [];
    page.on("load", () => loads.push(Date.now()));
    await control(args.control, "stop");
    await page.locator(`#routes tr[data-route="${args.route}"][data-health="down"]`).waitFor({ timeout: HEALTH_TIMEOUT_MS });
    const downRow = (await row.innerText()).replace(/\s+/g, " ");
    check(/probe/.test(downRow), `the down row does not show the probe's error: ${downRow}`);
    await page.screenshot({ path: shot("status-down.png"), fullPage: true });
    report.steps.down = { ok: true, row: downRow.slice(0, 300) };

    await control(args.control, "start");
    await page.locator(`#routes tr[data-route="${args.route}"][data-health="up"]`).waitFor({ timeout: HEALTH_TIMEOUT_MS });
    await page.screenshot({ path: shot("status-back.png"), fullPage: true });
    check(loads.length === 0, "the page reloaded instead of refreshing in place");
    report.steps.back = { ok: true };
    report = { ...report, ok: true, screenshots: ["status-forbidden.png", "status-up.png", "status-down.png", "status-back.png"].map(shot) };
  } finally {
    await browser.close();
  }
  return report;
}

runReported(main, { timeoutMs: RUN_TIMEOUT_MS, partial: () => report });
