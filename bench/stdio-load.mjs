// Opens N concurrent sessions on one Streamable HTTP endpoint (each a stdio process behind
// mcp-front), calls a tool on every one at the same time, and reports how many answered and how
// long opening and calling took. Usage: node stdio-load.mjs URL N [--header "Name: value" ...]
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../src/test/node/package.json"));
const { Client } = await import(require.resolve("@modelcontextprotocol/sdk/client/index.js"));
const { StreamableHTTPClientTransport } = await import(require.resolve("@modelcontextprotocol/sdk/client/streamableHttp.js"));
const { parseHeader, httpOptions } = await import("./headers.mjs");

const positional = [];
const headers = {};
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i] === "--header") Object.assign(headers, parseHeader(process.argv[++i]));
  else positional.push(process.argv[i]);
}
const [url, count] = [positional[0], Number(positional[1] ?? 200)];
const clients = [];
const openStarted = Date.now();
const opened = await Promise.allSettled(Array.from({ length: count }, async () => {
  const client = new Client({ name: "mcp-front-load", version: "1" });
  const transport = new StreamableHTTPClientTransport(new URL(url), httpOptions(headers, false));
  await client.connect(transport);
  clients.push({ client, transport });
}));
const openMs = Date.now() - openStarted;
const callStarted = Date.now();
const calls = await Promise.allSettled(clients.map(({ client }, i) =>
  client.callTool({ name: "echo", arguments: { message: `m${i}` } }).then((r) => {
    if (r.content?.[0]?.text !== `Echo: m${i}`) throw new Error(`wrong answer ${JSON.stringify(r)}`);
  })));
const callMs = Date.now() - callStarted;
const report = {
  sessions_requested: count,
  sessions_opened: opened.filter((r) => r.status === "fulfilled").length,
  calls_answered: calls.filter((r) => r.status === "fulfilled").length,
  open_all_ms: openMs,
  call_all_ms: callMs,
  first_error: [...opened, ...calls].find((r) => r.status === "rejected")?.reason?.message ?? null,
};
await Promise.allSettled(clients.map(({ transport, client }) => transport.terminateSession().then(() => client.close())));
console.log(JSON.stringify(report));
