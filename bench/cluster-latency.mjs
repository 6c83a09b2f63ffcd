// Measures tools/call round trips over Streamable HTTP with plain fetch, where the session was
// opened on one URL and the calls may go to another (another cluster member holding no session).
// Usage: node cluster-latency.mjs --calls N --warmup N --block N [--header "Name: value" ...]
//          [--accept-both NAME ...] --session KEY=URL ... NAME=KEY@URL ...
//   --session KEY=URL opens an MCP session (initialize + notifications/initialized) at URL.
//   NAME=KEY@URL times calls in session KEY sent to URL. Several parts may share a NAME: their
//   samples are pooled under it (and also reported per part).
//   Calls send `Accept: application/json` only (mcp-front then answers plain JSON), except for the
//   names given with --accept-both, which send `application/json, text/event-stream` (what the
//   MCP SDK's server insists on) and read the SSE answer up to the response event.
// Every part is warmed up, then measured in interleaved blocks (part 1, part 2, ..., part 1, ...) so
// that machine noise hits all alike; --calls is per part.
// Prints one JSON object: per name (and per part) p50/p90/p99/mean in milliseconds and the count.
import { parseHeader } from "./headers.mjs";

const PROTOCOL_VERSION = "2025-06-18";

function parseArgs(argv) {
  const options = { calls: 2000, warmup: 200, block: 100, headers: {}, acceptBoth: new Set(), sessions: [], parts: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--calls") options.calls = Number(argv[++i]);
    else if (arg === "--warmup") options.warmup = Number(argv[++i]);
    else if (arg === "--block") options.block = Number(argv[++i]);
    else if (arg === "--header") Object.assign(options.headers, parseHeader(argv[++i]));
    else if (arg === "--accept-both") options.acceptBoth.add(argv[++i]);
    else if (arg === "--session") {
      const match = /^([^=]+)=(https?:\/\/.+)$/.exec(argv[++i] ?? "");
      if (!match) throw new Error(`not a session: ${argv[i]} (want KEY=URL)`);
      options.sessions.push({ key: match[1], url: match[2] });
    } else {
      const match = /^([^=]+)=([^@]+)@(https?:\/\/.+)$/.exec(arg);
      if (!match) throw new Error(`not a target: ${arg} (want NAME=KEY@URL)`);
      options.parts.push({ name: match[1], key: match[2], url: match[3] });
    }
  }
  if (options.parts.length === 0) throw new Error("no targets given");
  for (const part of options.parts) {
    if (!options.sessions.some((s) => s.key === part.key)) throw new Error(`target ${part.name}: no --session ${part.key}`);
  }
  return options;
}

/**
 * Reads a Streamable HTTP answer to the request with `id`: a JSON body, or an SSE stream read up to
 * the event that carries the response. Resolves to {message, rest}: `rest` drains what follows, so
 * that the connection can be reused, and is not part of the timed round trip.
 */
async function readAnswer(response, id) {
  const type = response.headers.get("content-type") ?? "";
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
  if (type.startsWith("application/json")) return { message: JSON.parse(await response.text()), rest: Promise.resolve() };
  if (!type.startsWith("text/event-stream")) throw new Error(`unexpected content type ${type}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the SSE stream ended before the response to ${id}`);
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event.split("\n").filter((line) => line.startsWith("data:")).map((line) => line.slice(5).replace(/^ /, "")).join("\n");
      if (!data) continue;
      const message = JSON.parse(data);
      if (message.id === id && ("result" in message || "error" in message)) {
        const rest = (async () => { while (!(await reader.read()).done); })();
        return { message, rest };
      }
    }
  }
}

function post(url, headers, sessionId, accept, body) {
  return fetch(url, {
    method: "POST",
    headers: {
      ...headers,
      "Content-Type": "application/json",
      Accept: accept,
      ...(sessionId ? { "Mcp-Session-Id": sessionId, "MCP-Protocol-Version": PROTOCOL_VERSION } : {}),
    },
    body: JSON.stringify(body),
  });
}

const BOTH = "application/json, text/event-stream";

async function openSession(url, headers) {
  const started = process.hrtime.bigint();
  const response = await post(url, headers, null, BOTH, {
    jsonrpc: "2.0", id: 0, method: "initialize",
    params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: "mcp-front-cluster-bench", version: "1" } },
  });
  const sessionId = response.headers.get("mcp-session-id");
  const { message, rest } = await readAnswer(response, 0);
  await rest;
  if (!message.result) throw new Error(`initialize at ${url}: ${JSON.stringify(message)}`);
  if (!sessionId) throw new Error(`initialize at ${url}: no Mcp-Session-Id`);
  const initialized = await post(url, headers, sessionId, BOTH, { jsonrpc: "2.0", method: "notifications/initialized" });
  await initialized.arrayBuffer();
  if (initialized.status !== 202) throw new Error(`notifications/initialized at ${url}: HTTP ${initialized.status}`);
  return { sessionId, connectMs: Number(process.hrtime.bigint() - started) / 1e6, nextId: 1 };
}

async function call(part, session, headers) {
  const id = session.nextId++;
  const started = process.hrtime.bigint();
  const response = await post(part.url, headers, session.sessionId, part.accept, {
    jsonrpc: "2.0", id, method: "tools/call", params: { name: "echo", arguments: { message: "hi" } },
  });
  const { message, rest } = await readAnswer(response, id);
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  await rest;
  if (message.result?.content?.[0]?.text !== "Echo: hi") throw new Error(`${part.name} at ${part.url}: unexpected answer ${JSON.stringify(message)}`);
  return elapsed;
}

function percentile(sorted, p) {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (x) => Math.round(x * 1000) / 1000;
  return {
    calls: sorted.length,
    p50_ms: round(percentile(sorted, 50)),
    p90_ms: round(percentile(sorted, 90)),
    p99_ms: round(percentile(sorted, 99)),
    mean_ms: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  };
}

const options = parseArgs(process.argv.slice(2));
const sessions = new Map();
for (const { key, url } of options.sessions) sessions.set(key, { url, ...(await openSession(url, options.headers)) });
const parts = options.parts.map((part) => ({ ...part, accept: options.acceptBoth.has(part.name) ? BOTH : "application/json", samples: [] }));
for (const part of parts) {
  for (let i = 0; i < options.warmup; i++) await call(part, sessions.get(part.key), options.headers);
}
for (let done = 0; done < options.calls; done += options.block) {
  for (const part of parts) {
    const session = sessions.get(part.key);
    for (let i = 0; i < options.block && done + i < options.calls; i++) part.samples.push(await call(part, session, options.headers));
  }
}
const report = {};
for (const name of new Set(parts.map((p) => p.name))) {
  const mine = parts.filter((p) => p.name === name);
  report[name] = {
    ...summary(mine.flatMap((p) => p.samples)),
    accept: mine[0].accept,
    parts: Object.fromEntries(mine.map((p) => [`session ${p.key} (opened at ${sessions.get(p.key).url}) → ${p.url}`, summary(p.samples)])),
  };
}
report.sessions = Object.fromEntries([...sessions].map(([key, s]) => [key, { url: s.url, connect_ms: Math.round(s.connectMs * 1000) / 1000 }]));
console.log(JSON.stringify(report));
