// Holds many MCP sessions on one mcp-front route at once: half Streamable HTTP with the GET stream open,
// half legacy SSE, each calling tools/call echo once every --every seconds (spread evenly) for --hold
// seconds, then closing. Plain node:http (no SDK), so that the client costs little per session.
// Reports sessions opened, calls made and answered, and the first error.
// Usage: node many-sessions.mjs --base http://127.0.0.1:PORT/route --sessions N [--hold S] [--every S]
//          [--header "Name: value" ...] [--ready-file PATH] [--release-file PATH]
//   --ready-file: written once every session is open (a driver then measures the held state);
//   --release-file: when given, sessions close only once this file exists (after --hold at least).
import http from "node:http";
import { existsSync, writeFileSync } from "node:fs";

const args = { headers: {}, sessions: 100, hold: 30, every: 10 };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === "--header") {
    const [name, ...value] = process.argv[++i].split(":");
    args.headers[name.trim()] = value.join(":").trim();
  } else if (a === "--base") args.base = process.argv[++i];
  else if (a === "--sessions") args.sessions = Number(process.argv[++i]);
  else if (a === "--hold") args.hold = Number(process.argv[++i]);
  else if (a === "--every") args.every = Number(process.argv[++i]);
  else if (a === "--ready-file") args.ready = process.argv[++i];
  else if (a === "--release-file") args.release = process.argv[++i];
}
const base = new URL(args.base);
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const INIT = (id) => ({
  jsonrpc: "2.0", id, method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "mcp-front-sessions", version: "1" } },
});
const stats = { opened: 0, calls: 0, answered: 0, errors: 0, firstError: null };
const fail = (e) => {
  stats.errors++;
  stats.firstError ??= String(e?.message ?? e);
};

function request(method, path, { body, headers = {}, stream = false } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({
      agent: stream ? false : agent, host: base.hostname, port: base.port, method, path,
      headers: {
        ...args.headers, ...headers,
        ...(body ? { "Content-Type": "application/json", Accept: "application/json, text/event-stream" } : {}),
      },
    }, (res) => {
      if (stream) return resolve(res);
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, text }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

/** Calls onMessage with each SSE message's data; onEvent(name, data) for other events. */
function readEvents(res, onEvent) {
  let buffer = "";
  res.setEncoding("utf8");
  res.on("data", (chunk) => {
    buffer += chunk;
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const frame = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let name = "message";
      const data = [];
      for (const line of frame.split("\n")) {
        if (line.startsWith("event: ")) name = line.slice(7);
        else if (line.startsWith("data: ")) data.push(line.slice(6));
      }
      if (data.length && data.join("\n").trim()) onEvent(name, data.join("\n"));
    }
  });
}

function lastMessage(response) {
  if ((response.headers["content-type"] ?? "").startsWith("application/json")) return JSON.parse(response.text);
  const datas = response.text.split("\n").filter((l) => l.startsWith("data: ") && l.length > 7);
  return JSON.parse(datas[datas.length - 1].slice(6));
}

async function streamable(index) {
  const path = base.pathname + "/mcp";
  const init = await request("POST", path, { body: INIT(1) });
  if (init.status !== 200) throw new Error(`initialize: ${init.status} ${init.text.slice(0, 200)}`);
  const session = init.headers["mcp-session-id"];
  const headers = { "Mcp-Session-Id": session };
  await request("POST", path, { body: { jsonrpc: "2.0", method: "notifications/initialized" }, headers });
  const get = await request("GET", path, { headers: { ...headers, Accept: "text/event-stream" }, stream: true });
  if (get.statusCode !== 200) throw new Error(`GET stream: ${get.statusCode}`);
  readEvents(get, () => {});
  let id = 2;
  return {
    async call() {
      const n = id++;
      const res = await request("POST", path, {
        body: { jsonrpc: "2.0", id: n, method: "tools/call", params: { name: "echo", arguments: { message: `s${index}-${n}` } } },
        headers,
      });
      const message = lastMessage(res);
      if (message.result?.content?.[0]?.text !== `Echo: s${index}-${n}`) throw new Error(`wrong answer ${res.text.slice(0, 200)}`);
    },
    async close() {
      get.destroy();
      await request("DELETE", path, { headers });
    },
  };
}

async function legacy(index) {
  const res = await request("GET", base.pathname + "/sse", { headers: { Accept: "text/event-stream" }, stream: true });
  if (res.statusCode !== 200) throw new Error(`GET /sse: ${res.statusCode}`);
  const waiting = new Map();
  let endpoint;
  const gotEndpoint = new Promise((resolve) => {
    readEvents(res, (name, data) => {
      if (name === "endpoint") {
        endpoint = new URL(data, base).pathname + new URL(data, base).search;
        return resolve();
      }
      const message = JSON.parse(data);
      const pending = waiting.get(message.id);
      if (pending) {
        waiting.delete(message.id);
        pending(message);
      }
    });
  });
  await gotEndpoint;
  const rpc = (message) => new Promise((resolve, reject) => {
    waiting.set(message.id, resolve);
    request("POST", endpoint, { body: message }).then((r) => {
      if (r.status !== 202 && r.status !== 200) reject(new Error(`POST message: ${r.status} ${r.text.slice(0, 200)}`));
    }, reject);
  });
  await rpc(INIT(1));
  await request("POST", endpoint, { body: { jsonrpc: "2.0", method: "notifications/initialized" } });
  let id = 2;
  return {
    async call() {
      const n = id++;
      const message = await rpc({ jsonrpc: "2.0", id: n, method: "tools/call", params: { name: "echo", arguments: { message: `l${index}-${n}` } } });
      if (message.result?.content?.[0]?.text !== `Echo: l${index}-${n}`) throw new Error(`wrong answer ${JSON.stringify(message).slice(0, 200)}`);
    },
    async close() {
      res.destroy();
    },
  };
}

const started = Date.now();
const sessions = [];
// Open in small batches: a thundering herd of 1,000 handshakes measures the accept queue, not sessions.
for (let i = 0; i < args.sessions; i += 50) {
  const batch = await Promise.allSettled(
    Array.from({ length: Math.min(50, args.sessions - i) }, (_, k) => ((i + k) % 2 === 0 ? streamable : legacy)(i + k)));
  for (const r of batch) {
    if (r.status === "fulfilled") {
      sessions.push(r.value);
      stats.opened++;
    } else fail(r.reason);
  }
}
const openMs = Date.now() - started;
if (args.ready) writeFileSync(args.ready, JSON.stringify({ opened: stats.opened }));

// Each session calls once every --every seconds, the sessions spread evenly over that period.
const until = Date.now() + args.hold * 1000;
const period = args.every * 1000;
await Promise.all(sessions.map(async (session, i) => {
  await sleep((i * period) / sessions.length);
  while (Date.now() < until) {
    stats.calls++;
    const callStarted = Date.now();
    try {
      await session.call();
      stats.answered++;
    } catch (e) {
      fail(e);
    }
    await sleep(Math.max(0, period - (Date.now() - callStarted)));
  }
}));
while (args.release && !existsSync(args.release)) await sleep(200);
await Promise.allSettled(sessions.map((s) => s.close()));
agent.destroy();
console.log(JSON.stringify({
  sessions_requested: args.sessions,
  sessions_opened: stats.opened,
  open_ms: openMs,
  calls: stats.calls,
  answered: stats.answered,
  errors: stats.errors,
  first_error: stats.firstError,
}));
