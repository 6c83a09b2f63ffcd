// The floor of the latency benchmarks: an MCP server that answers tools/call "echo" at once, over
// Streamable HTTP (/mcp) and legacy SSE (/sse + /message), with nothing behind it. Measured with the
// same client as the gateways, it shows what the client and one loopback HTTP exchange cost by
// themselves, so that a gateway's own share can be told apart from the client's.
// It speaks MCP 2026-07-28 as well: a request whose _meta carries the revision is answered statelessly
// (server/discover, tools/call with resultType), without a session id. A 2026-07-28 subscriptions/listen is
// held open: acknowledged at once (notifications/subscriptions/acknowledged), then it gets
// notifications/tools/list_changed each time anyone POSTs to /notify (which answers how many listens it reached).
// Usage: node floor-server.mjs PORT [--sse-responses]
//   --sse-responses answers Streamable HTTP requests with a one-event SSE stream instead of JSON.
import http from "node:http";
import { randomUUID } from "node:crypto";

const port = Number(process.argv[2]);
const sseResponses = process.argv.includes("--sse-responses");
const legacyStreams = new Map();
/** Open 2026-07-28 listens: response → the listen request's id (their subscription id). */
const listens = new Map();

const MODERN = "2026-07-28";

function isModern(message) {
  return message.params?._meta?.["io.modelcontextprotocol/protocolVersion"] === MODERN;
}

function answerModern(message) {
  if (message.method === "server/discover") {
    return {
      jsonrpc: "2.0",
      id: message.id,
      result: {
        resultType: "complete", supportedVersions: [MODERN], capabilities: { tools: { listChanged: true } }, ttlMs: 0,
        cacheScope: "public",
        _meta: { "io.modelcontextprotocol/serverInfo": { name: "floor", version: "1" } },
      },
    };
  }
  if (message.method === "tools/call") {
    const text = `Echo: ${message.params?.arguments?.message ?? ""}`;
    return { jsonrpc: "2.0", id: message.id, result: { resultType: "complete", content: [{ type: "text", text }] } };
  }
  return { jsonrpc: "2.0", id: message.id, error: { code: -32601, message: `no method ${message.method}` } };
}

function answer(message) {
  if (message.method === "initialize") {
    return {
      jsonrpc: "2.0",
      id: message.id,
      result: {
        protocolVersion: message.params?.protocolVersion ?? "2025-06-18",
        capabilities: { tools: {} },
        serverInfo: { name: "floor", version: "1" },
      },
    };
  }
  if (message.method === "tools/call") {
    const text = `Echo: ${message.params?.arguments?.message ?? ""}`;
    return { jsonrpc: "2.0", id: message.id, result: { content: [{ type: "text", text }] } };
  }
  if (message.method === "ping") return { jsonrpc: "2.0", id: message.id, result: {} };
  return { jsonrpc: "2.0", id: message.id, error: { code: -32601, message: `no method ${message.method}` } };
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

async function streamable(request, response) {
  if (request.method === "DELETE") return response.writeHead(204).end();
  if (request.method !== "POST") return response.writeHead(405).end();
  const message = JSON.parse(await readBody(request));
  if (message.id === undefined) return response.writeHead(202).end();
  const modern = isModern(message);
  if (!modern && message.method === "server/discover") {
    // What a 2025 server does with a request before initialize: the probe then counts it as 2025.
    return response.writeHead(400, { "Content-Type": "application/json" })
      .end(JSON.stringify({ jsonrpc: "2.0", id: message.id, error: { code: -32600, message: "not initialized" } }));
  }
  if (modern && message.method === "subscriptions/listen") return listen(message, response);
  const headers = modern ? {} : { "Mcp-Session-Id": request.headers["mcp-session-id"] ?? randomUUID() };
  const body = JSON.stringify(modern ? answerModern(message) : answer(message));
  if (sseResponses) {
    response.writeHead(200, { ...headers, "Content-Type": "text/event-stream" });
    response.end(`event: message\ndata: ${body}\n\n`);
  } else {
    response.writeHead(200, { ...headers, "Content-Type": "application/json" });
    response.end(body);
  }
}

function tagged(method, id, params = {}) {
  const meta = { "io.modelcontextprotocol/subscriptionId": id };
  return `event: message\ndata: ${JSON.stringify({ jsonrpc: "2.0", method, params: { ...params, _meta: meta } })}\n\n`;
}

function listen(message, response) {
  const notifications = message.params?.notifications?.toolsListChanged ? { toolsListChanged: true } : {};
  response.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
  response.write(tagged("notifications/subscriptions/acknowledged", message.id, { notifications }));
  listens.set(response, message.id);
  response.on("close", () => listens.delete(response));
}

function notify(response) {
  for (const [stream, id] of listens) stream.write(tagged("notifications/tools/list_changed", id));
  response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ listens: listens.size }));
}

function legacyStream(response) {
  const id = randomUUID();
  legacyStreams.set(id, response);
  response.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
  response.write(`event: endpoint\ndata: /message?sessionId=${id}\n\n`);
  response.on("close", () => legacyStreams.delete(id));
}

async function legacyMessage(request, response, url) {
  const stream = legacyStreams.get(url.searchParams.get("sessionId"));
  if (!stream) return response.writeHead(404).end();
  const message = JSON.parse(await readBody(request));
  response.writeHead(202).end();
  if (message.id !== undefined) stream.write(`event: message\ndata: ${JSON.stringify(answer(message))}\n\n`);
}

http
  .createServer((request, response) => {
    const url = new URL(request.url, "http://localhost");
    const done = (promise) => promise.catch((e) => response.writeHead(400).end(String(e)));
    if (url.pathname === "/mcp") done(streamable(request, response));
    else if (url.pathname === "/sse" && request.method === "GET") legacyStream(response);
    else if (url.pathname === "/notify" && request.method === "POST") notify(response);
    else if (url.pathname === "/message" && request.method === "POST") done(legacyMessage(request, response, url));
    else response.writeHead(404).end();
  })
  .listen(port, "127.0.0.1");
