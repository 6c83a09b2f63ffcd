// The TypeScript SDK v1 client across the loss of the mcp-front instance that holds its session:
//   node failover-client.mjs --url URL --fallback-port P --transport streamable|sse
//        --header "Authorization: Bearer T" --ready FILE --go FILE
// Connects to URL (one instance), calls `echo` once, writes its session id to the ready file, waits for
// the go file (the test killed that instance meanwhile), then calls `echo` again. Its fetch plays the
// load balancer: a request that cannot connect to the instance (refused: nothing was sent) goes to
// port P instead, and so does every later one. Prints one JSON report: the session id before and after,
// both results, the errors, and every request the client made (method, session id, Last-Event-ID).
import { existsSync, writeFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";

function parseArgs(argv) {
  const args = { headers: {} };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === "--url") args.url = value;
    else if (flag === "--fallback-port") args.fallbackPort = value;
    else if (flag === "--transport") args.transport = value;
    else if (flag === "--ready") args.ready = value;
    else if (flag === "--go") args.go = value;
    else if (flag === "--header") {
      const colon = value.indexOf(":");
      args.headers[value.slice(0, colon).trim()] = value.slice(colon + 1).trim();
    } else throw new Error(`unknown flag ${flag}`);
  }
  return args;
}

const textOf = (result) => (result.content || []).filter((c) => c.type === "text").map((c) => c.text).join("\n");
const refused = (error) => error?.cause?.code === "ECONNREFUSED";

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const report = { ok: false, results: [], requests: [], errors: [] };
  let failedOver = false;
  // The balancer: the dead instance's port is taken out once a connection to it is refused.
  const balanced = async (url, init) => {
    const target = new URL(url);
    if (failedOver) target.port = args.fallbackPort;
    const headers = new Headers(init?.headers);
    report.requests.push({ method: init?.method ?? "GET", port: target.port, path: target.pathname + target.search,
      session: headers.get("mcp-session-id"), lastEventId: headers.get("last-event-id") });
    try {
      return await fetch(target, init);
    } catch (error) {
      if (failedOver || !refused(error)) throw error;
      failedOver = true;
      return balanced(url, init);
    }
  };
  const url = new URL(args.url);
  const requestInit = { headers: args.headers };
  const transport = args.transport === "sse"
    ? new SSEClientTransport(url, { requestInit, fetch: balanced, eventSourceInit: { fetch: balanced } })
    : new StreamableHTTPClientTransport(url, { requestInit, fetch: balanced });
  transport.onerror = (e) => report.errors.push(String(e?.message ?? e));
  const sessionOf = () => args.transport === "sse"
    ? transport._endpoint?.searchParams?.get("sessionId") : transport.sessionId;
  const client = new Client({ name: "mcp-front-failover-client", version: "1.0.0" }, { capabilities: {} });
  await client.connect(transport, { timeout: 30000 });
  report.sessionBefore = sessionOf();
  const before = await client.callTool({ name: "echo", arguments: { message: "before" } }, undefined, { timeout: 30000 });
  report.results.push(textOf(before));
  writeFileSync(args.ready, report.sessionBefore);
  while (!existsSync(args.go)) await new Promise((r) => setTimeout(r, 100));
  try {
    const after = await client.callTool({ name: "echo", arguments: { message: "after" } }, undefined, { timeout: 30000 });
    report.results.push(textOf(after));
  } catch (error) {
    report.errors.push(`the call after the kill: ${String(error?.message ?? error)}`);
  }
  report.sessionAfter = sessionOf();
  await client.close().catch(() => {});
  report.ok = true;
  console.log(JSON.stringify(report));
}

main().catch((error) => {
  console.log(JSON.stringify({ ok: false, error: String(error?.stack ?? error) }));
  process.exit(1);
});
