// tools/call round-trip latency with the official SDK v2 client (@modelcontextprotocol/client), whose
// version negotiation picks the MCP era: 2026-07-28 ("pin") or 2025 ("legacy").
// Usage: node modern-latency.mjs --calls N --warmup N --block N [--header "Name: value" ...]
//          [--target-header "name=Name: value" ...] name=legacy|pin:url ...
// Targets are measured in interleaved blocks (A, B, A, B, ...) so that machine noise hits all alike.
// Prints one JSON object: per target p50/p90/p99/mean in milliseconds, the call count and the era.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

process.removeAllListeners("warning");
process.on("warning", (warning) => {
  if (warning.name !== "MaxListenersExceededWarning") console.error(warning);
});

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../src/test/node/package.json"));
const { Client, StreamableHTTPClientTransport } = await import(require.resolve("@modelcontextprotocol/client"));
const { parseHeader } = await import("./headers.mjs");
const { measureInterleaved, summary } = await import("./interleave.mjs");

function parseArgs(argv) {
  const options = { calls: 2000, warmup: 200, block: 100, headers: {}, targetHeaders: {}, targets: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--calls") options.calls = Number(argv[++i]);
    else if (arg === "--warmup") options.warmup = Number(argv[++i]);
    else if (arg === "--block") options.block = Number(argv[++i]);
    else if (arg === "--header") Object.assign(options.headers, parseHeader(argv[++i]));
    else if (arg === "--target-header") {
      // name=Header: value — for that target instead of the --header of the same name
      const [name, header] = argv[++i].split(/=(.*)/s);
      options.targetHeaders[name] = Object.assign(options.targetHeaders[name] || {}, parseHeader(header));
    } else {
      const match = /^([^=]+)=(legacy|pin):(.+)$/.exec(arg);
      if (!match) throw new Error(`not a target: ${arg} (want name=legacy|pin:url)`);
      options.targets.push({ name: match[1], negotiation: match[2], url: match[3] });
    }
  }
  if (options.targets.length === 0) throw new Error("no targets given");
  return options;
}

async function connect(target, headers) {
  const mode = target.negotiation === "pin" ? { pin: "2026-07-28" } : "legacy";
  const client = new Client({ name: "mcp-front-bench", version: "1" }, { versionNegotiation: { mode } });
  const transport = new StreamableHTTPClientTransport(new URL(target.url), { requestInit: { headers } });
  await client.connect(transport);
  return { client, era: client.getProtocolEra?.() ?? "unknown", version: client.getNegotiatedProtocolVersion?.() };
}

const options = parseArgs(process.argv.slice(2));
const sessions = [];
for (const target of options.targets) {
  const headers = { ...options.headers, ...(options.targetHeaders[target.name] || {}) };
  sessions.push({ target, ...(await connect(target, headers)) });
}
await measureInterleaved(sessions, options);
const report = {};
for (const session of sessions) {
  report[session.target.name] = { era: session.era, version: session.version, ...summary(session.samples) };
  await session.client.close();
}
console.log(JSON.stringify(report));
