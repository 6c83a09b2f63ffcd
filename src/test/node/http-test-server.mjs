// A small Streamable HTTP MCP server (2025 era, plain node:http, no SDK: cheap per session, so that load
// tests can hold a thousand sessions on it). Tools: "echo" {message} answers at once as JSON; "flood"
// {count, kib} answers with a stream of count progress notifications of kib KiB each, then the result,
// writing only as fast as its reader takes (it waits for 'drain'): GET /written tells how many bytes of
// floods the connections have accepted so far, which is what backpressure tests watch, and how much of
// that still sits in Node's own buffers (unsent).
//
//   PORT=n node http-test-server.mjs
//   KEEP_ALIVE_MS=n                     Node's server.keepAliveTimeout (Keep-Alive: timeout=n/1000; Node 20
//                                       closes a second after that)
//   CLOSE_IDLE_MS=n                     closes connections idle for n ms and advertises no timeout (uvicorn)
import { createServer } from "node:http";

let written = 0;
// Flood responses under way: what they hold in Node's own buffer (res.writableLength) is written, not sent.
const flooding = new Set();

const json = (res, status, body) => {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
};

async function flood(res, id, progressToken, count, kib) {
  res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
  flooding.add(res);
  res.on("close", () => flooding.delete(res));
  const data = "z".repeat(kib * 1024);
  const write = (message) => {
    const frame = `event: message\ndata: ${JSON.stringify(message)}\n\n`;
    written += Buffer.byteLength(frame);
    return res.write(frame) ? Promise.resolve() : new Promise((resolve) => res.once("drain", resolve));
  };
  for (let i = 0; i < count; i++) {
    await write({ jsonrpc: "2.0", method: "notifications/progress", params: { progressToken, progress: i + 1, message: data } });
  }
  await write({ jsonrpc: "2.0", id, result: { content: [{ type: "text", text: "flooded" }] } });
  res.end();
}

const server = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/written") {
    let unsent = 0;
    for (const flood of flooding) unsent += flood.writableLength;
    return json(res, 200, { written, unsent });
  }
  if (req.method === "GET") return json(res, 405, {});
  if (req.method === "DELETE") return json(res, 200, {});
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    const message = JSON.parse(body);
    if (message.id === undefined) {
      res.writeHead(202);
      return res.end();
    }
    if (message.method === "initialize") {
      return json(res, 200, {
        jsonrpc: "2.0",
        id: message.id,
        result: {
          protocolVersion: message.params?.protocolVersion ?? "2025-06-18",
          capabilities: { tools: {} },
          serverInfo: { name: "http-test-server", version: "1.0.0" },
        },
      });
    }
    if (message.method === "tools/call" && message.params?.name === "echo") {
      const text = `Echo: ${message.params.arguments?.message ?? ""}`;
      return json(res, 200, { jsonrpc: "2.0", id: message.id, result: { content: [{ type: "text", text }] } });
    }
    if (message.method === "tools/call" && message.params?.name === "flood") {
      const args = message.params.arguments ?? {};
      return flood(res, message.id, message.params._meta?.progressToken, args.count ?? 10, args.kib ?? 64);
    }
    return json(res, 200, { jsonrpc: "2.0", id: message.id, error: { code: -32601, message: `no method ${message.method}` } });
  });
});
// Node closes a keep-alive connection idle for 5 s by default, racing the client's next request on it.
// A load test measures sessions, not that race: connections stay open unless asked.
const closeIdle = Number(process.env.CLOSE_IDLE_MS ?? 0);
server.keepAliveTimeout = closeIdle > 0 ? 0 : Number(process.env.KEEP_ALIVE_MS ?? 0);
if (closeIdle > 0) {
  // As uvicorn does (after 5 s): the connection is closed when idle that long, and nothing says so beforehand.
  server.on("request", (req, res) => {
    clearTimeout(req.socket.idleClose);
    res.on("finish", () => { req.socket.idleClose = setTimeout(() => req.socket.destroy(), closeIdle); });
  });
}
server.listen(Number(process.env.PORT ?? 3001), "127.0.0.1");
