// mcp-front's sign-in and consent pages in a real browser: playwright-core driving Debian's chromium.
//
//   node pages.mjs --authorize-url URL --email E --out DIR
//   node pages.mjs --issuer ISSUER [--resource URL] --email E --out DIR
//
// With --authorize-url the caller built the URL; its redirect_uri must be http://127.0.0.1:<port>/...
// and this script serves that port itself, so the browser's last navigation lands here and the code
// is read from the real request. With --issuer the script registers a client (DCR) on a free port
// and builds a PKCE authorization URL itself, and the report adds clientId, codeVerifier and
// redirectUri so the caller can redeem the code. Screenshots: DIR/signin.png and DIR/consent.png.
// Prints one JSON report on the last stdout line; exits 0 only when every check passed.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { createHash, randomBytes } from "node:crypto";
import { chromium } from "playwright-core";
import { freePort } from "./oauth-browser.mjs";
import { runReported } from "./run-reported.mjs";

const CHROMIUM = "/usr/bin/chromium";
const STEP_TIMEOUT_MS = 20_000;
const RUN_TIMEOUT_MS = 90_000;

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--authorize-url") args.authorizeUrl = value;
    else if (flag === "--issuer") args.issuer = value.replace(/\/$/, "");
    else if (flag === "--resource") args.resource = value;
    else if (flag === "--email") args.email = value;
    else if (flag === "--out") args.out = value;
    else throw new Error(`unknown flag ${flag}`);
  }
  if (!args.authorizeUrl === !args.issuer) throw new Error("give exactly one of --authorize-url and --issuer");
  if (!args.email) throw new Error("--email is required");
  if (!args.out) throw new Error("--out is required");
  return args;
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** Registers a public client for a free loopback port and builds the authorization URL for it. */
async function prepare(issuer, resource) {
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const as = await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json();
  const registration = await fetch(as.registration_endpoint, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_name: "mcp-front pages test", redirect_uris: [redirectUri], grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], token_endpoint_auth_method: "none" }),
  });
  const client = await registration.json();
  check(registration.status === 201 && client.client_id, `registration answered ${registration.status}: ${JSON.stringify(client)}`);
  const codeVerifier = randomBytes(32).toString("base64url");
  const url = new URL(as.authorization_endpoint);
  const params = {
    response_type: "code", client_id: client.client_id, redirect_uri: redirectUri, state: randomBytes(16).toString("base64url"),
    code_challenge: createHash("sha256").update(codeVerifier).digest("base64url"), code_challenge_method: "S256",
  };
  if (resource) params.resource = resource;
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return { authorizeUrl: url.href, clientId: client.client_id, codeVerifier, redirectUri };
}

/** Serves the redirect URI's port and resolves with the first request that reaches its path. */
function redirectTarget(redirectUri) {
  const target = new URL(redirectUri);
  check(target.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(target.hostname) && target.port,
    `the redirect_uri ${redirectUri} is not a loopback http URI with a port this script could serve`);
  let resolveHit;
  const hit = new Promise((r) => { resolveHit = r; });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, redirectUri);
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<!doctype html><title>Done</title><p>Signed in; you can close this page.</p>");
    if (url.pathname === target.pathname) resolveHit(Object.fromEntries(url.searchParams));
  });
  const listening = new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(Number(target.port), target.hostname.replace(/^\[|\]$/g, ""), resolve);
  });
  return { hit, listening, close: () => server.close() };
}

let report = { ok: false };

async function main() {
  const args = parseArgs(process.argv.slice(2));
  check(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: install it with apt-get install -y chromium`);
  fs.mkdirSync(args.out, { recursive: true });
  const prepared = args.issuer ? await prepare(args.issuer, args.resource) : { authorizeUrl: args.authorizeUrl };
  const sent = new URL(prepared.authorizeUrl).searchParams;
  const redirectUri = sent.get("redirect_uri");
  check(redirectUri, "the authorization URL has no redirect_uri");
  report = { ok: false, authorizeUrl: prepared.authorizeUrl.split("?")[0], steps: {} };

  const target = redirectTarget(redirectUri);
  await target.listening;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    // CSP violations (form-action blocking the redirect to the client, say) show up only here.
    report.console = [];
    page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") report.console.push(m.text().slice(0, 400)); });

    const signinResponse = await page.goto(prepared.authorizeUrl);
    const email = page.locator('input[type="email"]#email[name="email"]');
    await email.waitFor();
    const signinShot = path.join(args.out, "signin.png");
    await page.screenshot({ path: signinShot, fullPage: true });
    report.steps.signin = { ok: true, url: page.url().split("?")[0], status: signinResponse?.status(), screenshot: signinShot };

    await email.fill(args.email);
    const [consentResponse] = await Promise.all([
      page.waitForNavigation(),
      page.locator('button[type="submit"].primary', { hasText: "Sign in" }).click(),
    ]);
    const allow = page.locator('form[action="/consent"] button[name="decision"][value="allow"]');
    await allow.waitFor();
    const consentShot = path.join(args.out, "consent.png");
    await page.screenshot({ path: consentShot, fullPage: true });
    const headers = await consentResponse.allHeaders();
    const csp = headers["content-security-policy"] ?? "";
    const text = (await page.locator("body").innerText()).replace(/\s+/g, " ").trim();
    report.steps.consent = { ok: true, url: consentResponse.url().split("?")[0], status: consentResponse.status(), csp, screenshot: consentShot, text: text.slice(0, 600) };
    check(/frame-ancestors\s+'none'/.test(csp), `the consent page's Content-Security-Policy lacks frame-ancestors 'none': ${JSON.stringify(csp)}`);
    check(text.includes(new URL(redirectUri).hostname), `the consent page does not name the redirect host ${new URL(redirectUri).hostname}`);

    await allow.click();
    let timer;
    const params = await Promise.race([
      target.hit,
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`Allow did not lead to ${redirectUri} within ${STEP_TIMEOUT_MS} ms (page is at ${page.url()})`)), STEP_TIMEOUT_MS); }),
    ]).finally(() => clearTimeout(timer));
    await page.waitForURL((u) => u.href.startsWith(redirectUri));
    check(!params.error, `the authorization response is an error: ${params.error}`);
    check(params.code, `no code reached ${redirectUri}: ${JSON.stringify(params)}`);
    if (sent.get("state")) check(params.state === sent.get("state"), `state came back as ${params.state}, sent ${sent.get("state")}`);
    report.steps.allow = { ok: true };
    report = {
      ...report, ok: true, code: params.code, state: params.state, iss: params.iss, redirectUri,
      screenshots: { signin: signinShot, consent: consentShot },
      ...(args.issuer ? { clientId: prepared.clientId, codeVerifier: prepared.codeVerifier } : {}),
    };
  } finally {
    await browser.close();
    target.close();
  }
  return report;
}

runReported(main, { timeoutMs: RUN_TIMEOUT_MS, partial: () => report });
