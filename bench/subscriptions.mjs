// Holds N idle MCP 2026-07-28 subscriptions (subscriptions/listen: a POST whose SSE response stays open) on
// one mcp-front route, for bench/run-subscriptions.sh. Plain node:http, one connection per listen (a held
// response holds its HTTP/1.1 connection), opened 100 every 100 ms. Writes --ready-file once every listen
// is open or failed; once --release-file exists, closes them all and prints what each got: acknowledged
// (notifications/subscriptions/acknowledged carrying its subscription id) and notified (at least one
// notifications/tools/list_changed carrying its id).
// Usage: node subscriptions.mjs --url URL --listens N [--header "Name: value" ...] [--prefix P]
//          --ready-file PATH --release-file PATH
import http from "node:http";
import { existsSync, writeFileSync } from "node:fs";

const MODERN = "2026-07-28";
const SUBSCRIPTION = "io.modelcontextprotocol/subscriptionId";
const args = { headers: {}, listens: 100, prefix: "l" };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === "--header") {
    const [name, ...value] = process.argv[++i].split(":");
    args.headers[name.trim()] = value.join(":").trim();
  } else if (a === "--url") args.url = process.argv[++i];
  else if (a === "--listens") args.listens = Number(process.argv[++i]);
  else if (a === "--prefix") args.prefix = process.argv[++i];
  else if (a === "--ready-file") args.ready = process.argv[++i];
  else if (a === "--release-file") args.release = process.argv[++i];
}
const url = new URL(args.url);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const stats = { opened: 0, acknowledged: 0, notified: 0, errors: 0, firstError: null };
const fail = (e) => {
  stats.errors++;
  stats.firstError ??= String(e?.message ?? e);
};
const held = [];
/** Every request made, answered or not (one the gateway holds back keeps its connection open too). */
const requests = [];

/** Opens one listen; resolves once it is acknowledged (or fails). */
function listen(id) {
  const body = JSON.stringify({
    jsonrpc: "2.0", id, method: "subscriptions/listen",
    params: {
      notifications: { toolsListChanged: true },
      _meta: { "io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {} },
    },
  });
  return new Promise((resolve, reject) => {
    const req = http.request({
      agent: false, host: url.hostname, port: url.port, method: "POST", path: url.pathname,
      headers: {
        ...args.headers, "Content-Type": "application/json", Accept: "application/json, text/event-stream",
        "MCP-Protocol-Version": MODERN, "Mcp-Method": "subscriptions/listen",
      },
    }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new Error(`listen: HTTP ${res.statusCode}`));
      }
      const state = { res, acknowledged: false, notified: false };
      held.push(state);
      stats.opened++;
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        buffer += chunk;
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const data = buffer.slice(0, cut).split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6));
          buffer = buffer.slice(cut + 2);
          if (!data.length) continue;
          const message = JSON.parse(data.join("\n"));
          const mine = message.params?._meta?.[SUBSCRIPTION] === id;
          if (message.method === "notifications/subscriptions/acknowledged" && mine && !state.acknowledged) {
            state.acknowledged = true;
            stats.acknowledged++;
            resolve();
          } else if (message.method === "notifications/tools/list_changed" && mine && !state.notified) {
            state.notified = true;
            stats.notified++;
          }
        }
      });
      res.on("error", () => {});
      res.on("end", () => {
        if (!state.acknowledged) reject(new Error("listen ended before its acknowledgement"));
      });
    });
    req.on("error", reject);
    requests.push(req);
    req.end(body);
  });
}

const started = Date.now();
// Paced, not one batch after another: a listen the gateway cannot open (a full backend pool) would hold
// its batch until the timeout. Every listen gets 60 s from its start to be acknowledged.
const opening = [];
for (let i = 0; i < args.listens; i += 100) {
  for (let k = i; k < Math.min(i + 100, args.listens); k++) {
    opening.push(Promise.race([listen(`${args.prefix}-${k}`), sleep(60_000).then(() => {
      throw new Error("no acknowledgement within 60 s");
    })]));
  }
  await sleep(100);
}
for (const r of await Promise.allSettled(opening)) {
  if (r.status === "rejected") fail(r.reason);
}
const openMs = Date.now() - started;
writeFileSync(args.ready, JSON.stringify({ opened: stats.opened, acknowledged: stats.acknowledged }));
while (!existsSync(args.release)) await sleep(200);
for (const { res } of held) res.destroy();
for (const req of requests) req.destroy();
console.log(JSON.stringify({
  listens_requested: args.listens, opened: stats.opened, acknowledged: stats.acknowledged, notified: stats.notified,
  open_ms: openMs, errors: stats.errors, first_error: stats.firstError,
}));
process.exit(0);
