// An MCP client built on the official TypeScript SDK, for the mcp-front integration tests.
//
//   node client.mjs --url URL --transport streamable|sse [--header "Name: value"]... [--steps a,b,c]
//
// Runs the steps against a server-everything backend (directly or through mcp-front) and prints one
// JSON report on stdout: {"ok": bool, "steps": {"<step>": {"ok": bool, ...details}}}. Exits 0 only
// when every step passed. Every step has its own timeout, and the whole run a hard one, so a broken
// gateway fails the test instead of hanging it.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
  ToolListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { runReported } from "./run-reported.mjs";

const ALL_STEPS = ["initialize", "tools/list", "tools/call", "sampling", "elicitation", "progress", "notification", "close"];
const STEP_TIMEOUT_MS = 20_000;
const RUN_TIMEOUT_MS = 80_000;

function parseArgs(argv) {
  const args = { headers: {}, steps: ALL_STEPS };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--url") args.url = value;
    else if (flag === "--transport") args.transport = value;
    else if (flag === "--header") {
      const colon = value.indexOf(":");
      if (colon < 1) throw new Error(`--header wants "Name: value", got ${value}`);
      args.headers[value.slice(0, colon).trim()] = value.slice(colon + 1).trim();
    } else if (flag === "--steps") args.steps = value.split(",").map((s) => s.trim()).filter(Boolean);
    else throw new Error(`unknown flag ${flag}`);
  }
  if (!args.url) throw new Error("--url is required");
  if (!["streamable", "sse"].includes(args.transport)) throw new Error("--transport must be streamable or sse");
  for (const step of args.steps) if (!ALL_STEPS.includes(step)) throw new Error(`unknown step ${step}`);
  if (args.steps[0] !== "initialize") args.steps.unshift("initialize");
  return args;
}

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function textOf(result) {
  return (result.content || []).filter((c) => c.type === "text").map((c) => c.text).join("\n");
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const report = { ok: false, url: args.url, transport: args.transport, steps: {} };
  const seen = { sampling: 0, elicitation: 0, logging: 0, listChanged: 0 };

  const client = new Client(
    { name: "mcp-front-test-client", version: "1.0.0" },
    { capabilities: { sampling: {}, elicitation: {} } },
  );
  client.setRequestHandler(CreateMessageRequestSchema, async () => {
    seen.sampling++;
    return { model: "test-model", role: "assistant", content: { type: "text", text: "sampled by the test client" } };
  });
  client.setRequestHandler(ElicitRequestSchema, async () => {
    seen.elicitation++;
    return { action: "decline" };
  });
  client.setNotificationHandler(LoggingMessageNotificationSchema, () => { seen.logging++; });
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => { seen.listChanged++; });

  const url = new URL(args.url);
  const requestInit = { headers: args.headers };
  const transport = args.transport === "sse"
    ? new SSEClientTransport(url, { requestInit, eventSourceInit: { fetch: (u, init) => fetch(u, { ...init, headers: { ...init?.headers, ...args.headers } }) } })
    : new StreamableHTTPClientTransport(url, { requestInit });

  const steps = {
    "initialize": async () => {
      await client.connect(transport);
      const server = client.getServerVersion();
      return { server: server?.name, sessionId: transport.sessionId ?? null };
    },
    "tools/list": async () => {
      const { tools } = await client.listTools();
      const names = tools.map((t) => t.name);
      if (!names.includes("echo")) throw new Error(`no echo tool in ${names.join(", ")}`);
      return { count: names.length };
    },
    "tools/call": async () => {
      const text = textOf(await client.callTool({ name: "echo", arguments: { message: "through mcp-front" } }));
      if (text !== "Echo: through mcp-front") throw new Error(`echo answered ${JSON.stringify(text)}`);
      return { text };
    },
    "sampling": async () => {
      const text = textOf(await client.callTool({ name: "trigger-sampling-request", arguments: { prompt: "say hi", maxTokens: 20 } }));
      if (seen.sampling < 1) throw new Error("the server's sampling request never reached the client");
      if (!text.includes("sampled by the test client")) throw new Error(`the client's answer did not reach the server: ${text}`);
      return { requests: seen.sampling };
    },
    "elicitation": async () => {
      await client.callTool({ name: "trigger-elicitation-request", arguments: {} });
      if (seen.elicitation < 1) throw new Error("the server's elicitation request never reached the client");
      return { requests: seen.elicitation };
    },
    "progress": async () => {
      let updates = 0;
      await client.callTool(
        { name: "trigger-long-running-operation", arguments: { duration: 1, steps: 4 } },
        undefined,
        { onprogress: () => { updates++; }, timeout: STEP_TIMEOUT_MS },
      );
      if (updates < 1) throw new Error("no progress notification arrived");
      return { updates };
    },
    "notification": async () => {
      // Logging notifications are server-initiated and unrelated to any request: they travel on the
      // standalone stream (Streamable HTTP GET, or the legacy SSE stream).
      await client.setLoggingLevel("debug");
      await client.callTool({ name: "toggle-simulated-logging", arguments: {} });
      const deadline = Date.now() + 12_000;
      while (seen.logging < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await client.callTool({ name: "toggle-simulated-logging", arguments: {} });
      if (seen.logging < 1) throw new Error("no logging notification arrived within 12 s");
      return { logging: seen.logging, listChanged: seen.listChanged };
    },
    "close": async () => {
      if (args.transport === "streamable") await transport.terminateSession();
      await client.close();
      return {};
    },
  };

  let allOk = true;
  for (const name of args.steps) {
    const started = Date.now();
    try {
      const details = await withTimeout(steps[name](), name);
      report.steps[name] = { ok: true, ms: Date.now() - started, ...details };
    } catch (error) {
      allOk = false;
      report.steps[name] = { ok: false, ms: Date.now() - started, error: String(error?.message ?? error) };
      if (name === "initialize") break;
    }
  }
  report.ok = allOk;
  if (!args.steps.includes("close")) await client.close().catch(() => {});
  return report;
}

runReported(main, { timeoutMs: RUN_TIMEOUT_MS });
