// A new session's time to its first tool result on stdio routes, with and without a warm pool: for each
// target in turn (interleaved), open a session with the TypeScript SDK client, call echo, close it, wait
// --gap ms (time for the pool to start a replacement, as between real clients), and report percentiles.
// Usage: node warm-start.mjs --target NAME=URL [--target ...] [--sessions N] [--gap MS] [--header "Name: value" ...]
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../src/test/node/package.json"));
const { Client } = await import(require.resolve("@modelcontextprotocol/sdk/client/index.js"));
const { StreamableHTTPClientTransport } = await import(require.resolve("@modelcontextprotocol/sdk/client/streamableHttp.js"));
const { parseHeader, httpOptions } = await import("./headers.mjs");

const targets = [];
const headers = {};
let sessions = 50;
let gap = 1500;
for (let i = 2; i < process.argv.length; i++) {
  const arg = process.argv[i];
  if (arg === "--header") Object.assign(headers, parseHeader(process.argv[++i]));
  else if (arg === "--target") {
    const [name, url] = process.argv[++i].split(/=(.*)/s);
    targets.push({ name, url, ms: [], errors: 0 });
  } else if (arg === "--sessions") sessions = Number(process.argv[++i]);
  else if (arg === "--gap") gap = Number(process.argv[++i]);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function firstResult(url) {
  const started = process.hrtime.bigint();
  const client = new Client({ name: "mcp-front-warm-bench", version: "1" });
  const transport = new StreamableHTTPClientTransport(new URL(url), httpOptions(headers, false));
  await client.connect(transport);
  const result = await client.callTool({ name: "echo", arguments: { message: "first" } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.content?.[0]?.text !== "Echo: first") throw new Error(`wrong answer ${JSON.stringify(result)}`);
  await transport.terminateSession();
  await client.close();
  return ms;
}

for (let i = 0; i < sessions; i++) {
  for (const target of targets) {
    try {
      target.ms.push(await firstResult(target.url));
    } catch (e) {
      target.errors++;
      if (target.errors === 1) console.error(`${target.name}: ${e.message}`);
    }
    await sleep(gap);
  }
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const report = targets.map(({ name, ms, errors }) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    target: name,
    sessions: ms.length,
    errors,
    p50_ms: +pct(sorted, 50).toFixed(1),
    p90_ms: +pct(sorted, 90).toFixed(1),
    max_ms: +sorted[sorted.length - 1].toFixed(1),
  };
});
console.log(JSON.stringify(report));
