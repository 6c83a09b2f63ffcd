// Measures tools/call round-trip latency of MCP endpoints with the official TypeScript SDK client.
// Usage: node latency.mjs --calls N --warmup N --block N [--header "Name: value" ...] name=transport:target ...
//   transport streamable or sse with a URL, or stdio with a command line (split on spaces).
//   --header (repeatable) is sent by every HTTP target, e.g. the bearer token for mcp-front; stdio ignores it.
// Targets are measured in interleaved blocks (A, B, A, B, ...) so that machine noise hits all alike.
// Prints one JSON object: per target p50/p90/p99/mean in milliseconds and the call count.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

// The SDK's HTTP transports add an abort listener per request to one long-lived signal; a run of
// thousands of calls trips Node's leak warning on every call. Same client for every target, so the
// comparison holds; only the noise is dropped.
process.removeAllListeners("warning");
process.on("warning", (warning) => {
  if (warning.name !== "MaxListenersExceededWarning") console.error(warning);
});

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../src/test/node/package.json"));
const { Client } = await import(require.resolve("@modelcontextprotocol/sdk/client/index.js"));
const { StreamableHTTPClientTransport } = await import(require.resolve("@modelcontextprotocol/sdk/client/streamableHttp.js"));
const { SSEClientTransport } = await import(require.resolve("@modelcontextprotocol/sdk/client/sse.js"));
const { StdioClientTransport } = await import(require.resolve("@modelcontextprotocol/sdk/client/stdio.js"));
const { parseHeader, httpOptions } = await import("./headers.mjs");
const { measureInterleaved, summary, round } = await import("./interleave.mjs");

function parseArgs(argv) {
  const options = { calls: 2000, warmup: 200, block: 100, headers: {}, targets: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--calls") options.calls = Number(argv[++i]);
    else if (arg === "--warmup") options.warmup = Number(argv[++i]);
    else if (arg === "--block") options.block = Number(argv[++i]);
    else if (arg === "--header") Object.assign(options.headers, parseHeader(argv[++i]));
    else {
      const match = /^([^=]+)=(streamable|sse|stdio):(.+)$/.exec(arg);
      if (!match) throw new Error(`not a target: ${arg} (want name=streamable|sse:url or name=stdio:command)`);
      options.targets.push({ name: match[1], transport: match[2], url: match[3] });
    }
  }
  if (options.targets.length === 0) throw new Error("no targets given");
  return options;
}

function transportFor(target, headers) {
  if (target.transport === "stdio") {
    const [command, ...args] = target.url.split(" ");
    return new StdioClientTransport({ command, args, stderr: "ignore" });
  }
  const url = new URL(target.url);
  const init = httpOptions(headers, target.transport === "sse");
  return target.transport === "sse" ? new SSEClientTransport(url, init) : new StreamableHTTPClientTransport(url, init);
}

async function connect(target, headers) {
  const client = new Client({ name: "mcp-front-bench", version: "1" });
  const transport = transportFor(target, headers);
  const started = process.hrtime.bigint();
  await client.connect(transport);
  const connectMs = Number(process.hrtime.bigint() - started) / 1e6;
  return { client, transport, connectMs };
}

const options = parseArgs(process.argv.slice(2));
const sessions = [];
for (const target of options.targets) sessions.push({ target, ...(await connect(target, options.headers)) });
await measureInterleaved(sessions, options);
const report = {};
for (const session of sessions) {
  report[session.target.name] = { ...summary(session.samples), connect_ms: round(session.connectMs) };
  await session.client.close();
}
console.log(JSON.stringify(report));
