// One MCP client for the transport × era matrix: the SDK v1 client (@modelcontextprotocol/sdk, 2025 era
// only) or the SDK v2 client (@modelcontextprotocol/client, which can negotiate 2026-07-28).
//
//   node matrix-client.mjs --url URL [--sdk v1|v2] [--negotiation legacy|auto|pin] [--transport streamable|sse]
//                          [--header "Name: value"]... [--steps connect,tools/list,tools/call,elicitation]
//                          [--tool NAME] [--args JSON] [--elicit-tool NAME] [--elicit-args JSON]
//                          [--prompt NAME] [--resource URI] [--changes-tool NAME]
//
// --negotiation (v2 only): legacy = plain 2025 initialize (the SDK's default); auto = probe with
// server/discover and fall back to initialize; pin = 2026-07-28 or fail. --transport sse is the
// deprecated HTTP+SSE transport, 2025 era only. tools/call defaults to echo {"message":"matrix"}.
// The elicitation step calls --elicit-tool (default: confirm_action, or server-everything's
// trigger-elicitation-request when the server has that instead); the client declares the elicitation
// capability and accepts with content built from the requested schema. Steps that are never run by default:
// prompts/list, resources/list, resources/templates/list (each reports the names it got), prompts/get --prompt
// and resources/read --resource, and list_changed (calls --changes-tool and waits for
// notifications/tools/list_changed).
//
// Prints one JSON report on stdout: {"ok", "era": "modern"|"legacy", "protocolVersion", "server",
// "steps": {"<step>": {"ok", "ms", ...}}}. Exits 0 only when every step passed. Each step and the
// whole run have hard timeouts, so a broken server or gateway fails the test instead of hanging it.
import { runReported } from "./run-reported.mjs";

const ALL_STEPS = ["connect", "tools/list", "tools/call", "elicitation"];
const EXTRA_STEPS = ["prompts/list", "resources/list", "resources/templates/list", "prompts/get", "resources/read", "list_changed"];
const MODERN = "2026-07-28";
const STEP_TIMEOUT_MS = 20_000;
const RUN_TIMEOUT_MS = 80_000;

function parseArgs(argv) {
  const args = {
    sdk: "v2", negotiation: "legacy", transport: "streamable", headers: {}, steps: ALL_STEPS,
    tool: "echo", toolArgs: { message: "matrix" },
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--url") args.url = value;
    else if (flag === "--sdk") args.sdk = value;
    else if (flag === "--negotiation") args.negotiation = value;
    else if (flag === "--transport") args.transport = value;
    else if (flag === "--header") {
      const colon = value.indexOf(":");
      if (colon < 1) throw new Error(`--header wants "Name: value", got ${value}`);
      args.headers[value.slice(0, colon).trim()] = value.slice(colon + 1).trim();
    } else if (flag === "--steps") args.steps = value.split(",").map((s) => s.trim()).filter(Boolean);
    else if (flag === "--tool") args.tool = value;
    else if (flag === "--args") args.toolArgs = JSON.parse(value);
    else if (flag === "--elicit-tool") args.elicitTool = value;
    else if (flag === "--elicit-args") args.elicitArgs = JSON.parse(value);
    else if (flag === "--prompt") args.prompt = value;
    else if (flag === "--resource") args.resource = value;
    else if (flag === "--changes-tool") args.changesTool = value;
    else throw new Error(`unknown flag ${flag}`);
  }
  if (!args.url) throw new Error("--url is required");
  if (!["v1", "v2"].includes(args.sdk)) throw new Error("--sdk must be v1 or v2");
  if (!["legacy", "auto", "pin"].includes(args.negotiation)) throw new Error("--negotiation must be legacy, auto or pin");
  if (args.sdk === "v1" && args.negotiation !== "legacy") throw new Error("the v1 SDK only speaks the 2025 era: --negotiation legacy");
  if (!["streamable", "sse"].includes(args.transport)) throw new Error("--transport must be streamable or sse");
  if (args.transport === "sse" && args.negotiation !== "legacy") throw new Error("--transport sse is 2025 era only: --negotiation legacy");
  for (const step of args.steps) if (!ALL_STEPS.includes(step) && !EXTRA_STEPS.includes(step)) throw new Error(`unknown step ${step}`);
  if (args.steps[0] !== "connect") args.steps.unshift("connect");
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

/** Long tool answers (server-everything echoes whole forms) shortened for the report. */
function clip(text) {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** A value for one field of a requested elicitation schema: its default, its first choice, or a plain one. */
function sampleValue(field) {
  if (field.default !== undefined) return field.default;
  if (field.type === "array") {
    const choice = field.items?.enum?.[0] ?? field.items?.anyOf?.[0]?.const ?? field.items?.oneOf?.[0]?.const;
    return choice === undefined ? [] : [choice];
  }
  if (field.enum) return field.enum[0];
  if (field.oneOf) return field.oneOf[0].const;
  if (field.type === "boolean") return true;
  if (field.type === "integer" || field.type === "number") return field.minimum ?? 1;
  if (field.format === "email") return "matrix@example.com";
  if (field.format === "uri") return "https://example.com/";
  if (field.format === "date") return "2000-01-01";
  if (field.format === "date-time") return "2000-01-01T00:00:00Z";
  return "matrix";
}

function acceptAll(params) {
  const properties = params?.requestedSchema?.properties ?? {};
  return { action: "accept", content: Object.fromEntries(Object.entries(properties).map(([name, field]) => [name, sampleValue(field)])) };
}

/** The client and transport of the chosen SDK, and how to read what was negotiated. */
async function makeClient(args, onElicit, onToolsChanged) {
  const info = { name: "mcp-front-matrix-client", version: "1.0.0" };
  const url = new URL(args.url);
  const requestInit = { headers: args.headers };
  const sseInit = { fetch: (u, init) => fetch(u, { ...init, headers: { ...init?.headers, ...args.headers } }) };
  if (args.sdk === "v1") {
    const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
    const { StreamableHTTPClientTransport } = await import("@modelcontextprotocol/sdk/client/streamableHttp.js");
    const { SSEClientTransport } = await import("@modelcontextprotocol/sdk/client/sse.js");
    const { ElicitRequestSchema } = await import("@modelcontextprotocol/sdk/types.js");
    const client = new Client(info, { capabilities: { elicitation: {} } });
    client.setRequestHandler(ElicitRequestSchema, async (request) => onElicit(request.params));
    const { ToolListChangedNotificationSchema } = await import("@modelcontextprotocol/sdk/types.js");
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => onToolsChanged());
    const transport = args.transport === "sse"
      ? new SSEClientTransport(url, { requestInit, eventSourceInit: sseInit })
      : new StreamableHTTPClientTransport(url, { requestInit });
    return {
      client,
      transport,
      era: () => "legacy",
      protocolVersion: () => transport.protocolVersion ?? transport._protocolVersion,
    };
  }
  const { Client, StreamableHTTPClientTransport, SSEClientTransport } = await import("@modelcontextprotocol/client");
  const mode = args.negotiation === "pin" ? { pin: MODERN } : args.negotiation;
  // Only a run that waits for list changes asks for them: in 2026-07-28 that opens a subscriptions/listen stream.
  const listChanged = args.changesTool
    ? { listChanged: { tools: { autoRefresh: false, onChanged: () => onToolsChanged() } } }
    : {};
  const client = new Client(info, { capabilities: { elicitation: {} }, versionNegotiation: { mode }, ...listChanged });
  client.setRequestHandler("elicitation/create", async (request) => onElicit(request.params));
  const transport = args.transport === "sse"
    ? new SSEClientTransport(url, { requestInit, eventSourceInit: sseInit })
    : new StreamableHTTPClientTransport(url, { requestInit });
  return {
    client,
    transport,
    era: () => client.getProtocolEra(),
    protocolVersion: () => client.getNegotiatedProtocolVersion(),
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const report = { ok: false, sdk: args.sdk, negotiation: args.negotiation, transport: args.transport, url: args.url, steps: {} };
  const elicitations = [];
  const onElicit = (params) => {
    elicitations.push(params?.message ?? "");
    return acceptAll(params);
  };
  let toolsChanged = 0;
  const { client, transport, era, protocolVersion } = await makeClient(args, onElicit, () => { toolsChanged++; });
  let toolNames = [];

  const steps = {
    "connect": async () => {
      await client.connect(transport);
      report.era = era() ?? null;
      report.protocolVersion = protocolVersion() ?? null;
      report.server = client.getServerVersion()?.name ?? null;
      return { era: report.era, protocolVersion: report.protocolVersion, sessionId: transport.sessionId ?? null };
    },
    "tools/list": async () => {
      const { tools } = await client.listTools();
      toolNames = tools.map((t) => t.name);
      if (!toolNames.includes(args.tool)) throw new Error(`no ${args.tool} tool in ${toolNames.join(", ")}`);
      return { count: toolNames.length, names: toolNames };
    },
    "tools/call": async () => {
      const result = await client.callTool({ name: args.tool, arguments: args.toolArgs });
      const text = textOf(result);
      if (result.isError) throw new Error(`${args.tool} answered an error: ${text}`);
      if (args.tool === "echo" && text !== `Echo: ${args.toolArgs.message}`) throw new Error(`echo answered ${JSON.stringify(text)}`);
      return { text: clip(text) };
    },
    "prompts/list": async () => ({ names: (await client.listPrompts()).prompts.map((p) => p.name) }),
    "resources/list": async () => ({ names: (await client.listResources()).resources.map((r) => r.uri) }),
    "resources/templates/list": async () =>
      ({ names: (await client.listResourceTemplates()).resourceTemplates.map((r) => r.uriTemplate) }),
    "prompts/get": async () => {
      const result = await client.getPrompt({ name: args.prompt, arguments: {} });
      return { messages: result.messages.length };
    },
    "resources/read": async () => {
      const result = await client.readResource({ uri: args.resource });
      return { contents: result.contents.length };
    },
    "list_changed": async () => {
      if (!args.changesTool) throw new Error("the list_changed step needs --changes-tool");
      const before = toolsChanged;
      await client.callTool({ name: args.changesTool, arguments: {} });
      const deadline = Date.now() + 10_000;
      while (toolsChanged === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (toolsChanged === before) throw new Error("no notifications/tools/list_changed arrived within 10 s");
      return { notifications: toolsChanged - before };
    },
    "elicitation": async () => {
      const tool = args.elicitTool
        ?? (toolNames.includes("trigger-elicitation-request") ? "trigger-elicitation-request" : "confirm_action");
      const toolArgs = args.elicitArgs ?? (tool === "confirm_action" ? { action: "matrix" } : {});
      const before = elicitations.length;
      const result = await client.callTool({ name: tool, arguments: toolArgs });
      const text = textOf(result);
      if (result.isError) throw new Error(`${tool} answered an error: ${text}`);
      if (elicitations.length === before) throw new Error(`${tool} completed without asking the client: ${text}`);
      if (tool === "confirm_action" && text !== `confirmed ${toolArgs.action}: yes`) throw new Error(`${tool} answered ${JSON.stringify(text)}`);
      return { tool, asked: elicitations.length - before, text: clip(text) };
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
      report.steps[name] = { ok: false, ms: Date.now() - started, error: describe(error) };
      if (name === "connect") break;
    }
  }
  report.ok = allOk;
  await client.close().catch(() => {});
  return report;
}

/** The error's message plus its code and data when the SDK attached them (typed SDK and protocol errors). */
function describe(error) {
  const parts = [String(error?.message ?? error)];
  if (error?.code !== undefined) parts.push(`code ${error.code}`);
  if (error?.data !== undefined) parts.push(`data ${JSON.stringify(error.data)}`);
  return parts.join("; ");
}

runReported(main, { timeoutMs: RUN_TIMEOUT_MS });
