// CPU a gateway process spends per tools/call, for several gateways in front of one backend, measured
// in one run: each target gets its sessions, its warm-up, then all are measured in interleaved rounds
// (A, B, C, A, B, C, ...). Each round sends `block` calls spread over the target's sessions at once
// and reads the CPU time (user + system, /proc/<pid>/stat) its gateway process used meanwhile; the
// others sit idle then, so what a process spends in its own rounds is its cost for those calls.
// Usage: node cpu-per-call.mjs --sessions 16 --warmup 20000 --rounds 20 --block 2000 [--header "N: v"]
//          [--target-header "name=N: v"] (a header for one target only)
//          name=kind:url@pid ...     kind: streamable | sse (SDK v1) | modern (SDK v2, 2026-07-28)
// Prints one JSON object: per target the calls measured, CPU µs per call and calls per second.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

process.removeAllListeners("warning");
process.on("warning", (warning) => {
  if (warning.name !== "MaxListenersExceededWarning") console.error(warning);
});

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../src/test/node/package.json"));
const v1 = await import(require.resolve("@modelcontextprotocol/sdk/client/index.js"));
const { StreamableHTTPClientTransport } = await import(require.resolve("@modelcontextprotocol/sdk/client/streamableHttp.js"));
const { SSEClientTransport } = await import(require.resolve("@modelcontextprotocol/sdk/client/sse.js"));
const v2 = await import(require.resolve("@modelcontextprotocol/client"));
const { parseHeader, httpOptions } = await import("./headers.mjs");

const TICKS_PER_SECOND = 100; // USER_HZ: /proc reports CPU time in these on Linux

function parseArgs(argv) {
  const options = { sessions: 16, warmup: 20000, rounds: 20, block: 2000, headers: {}, targetHeaders: {}, targets: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--sessions") options.sessions = Number(argv[++i]);
    else if (arg === "--warmup") options.warmup = Number(argv[++i]);
    else if (arg === "--rounds") options.rounds = Number(argv[++i]);
    else if (arg === "--block") options.block = Number(argv[++i]);
    else if (arg === "--header") Object.assign(options.headers, parseHeader(argv[++i]));
    else if (arg === "--target-header") {
      // name=Header: value — for that target instead of the --header of the same name
      const [name, header] = argv[++i].split(/=(.*)/s);
      options.targetHeaders[name] = Object.assign(options.targetHeaders[name] || {}, parseHeader(header));
    }
    else {
      const match = /^([^=]+)=(streamable|sse|modern):(.+)@(\d+)$/.exec(arg);
      if (!match) throw new Error(`not a target: ${arg} (want name=streamable|sse|modern:url@pid)`);
      options.targets.push({ name: match[1], kind: match[2], url: match[3], pid: Number(match[4]) });
    }
  }
  if (options.targets.length === 0) throw new Error("no targets given");
  return options;
}

/** User plus system CPU time of a process so far, in microseconds. */
function cpuMicros(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  return (ticks * 1e6) / TICKS_PER_SECOND;
}

async function connect(target, headers) {
  if (target.kind === "modern") {
    const client = new v2.Client({ name: "mcp-front-cpu", version: "1" },
      { versionNegotiation: { mode: { pin: "2026-07-28" } } });
    await client.connect(new v2.StreamableHTTPClientTransport(new URL(target.url), { requestInit: { headers } }));
    return client;
  }
  const client = new v1.Client({ name: "mcp-front-cpu", version: "1" });
  const url = new URL(target.url);
  const init = httpOptions(headers, target.kind === "sse");
  await client.connect(target.kind === "sse" ? new SSEClientTransport(url, init) : new StreamableHTTPClientTransport(url, init));
  return client;
}

async function echo(client) {
  const result = await client.callTool({ name: "echo", arguments: { message: "ping" } });
  if (!result.content || result.content[0].text !== "Echo: ping") throw new Error("unexpected result " + JSON.stringify(result));
}

/** `calls` echo calls spread over the clients, each client one call at a time. */
async function burst(clients, calls) {
  let next = 0;
  await Promise.all(clients.map(async (client) => {
    while (next < calls) {
      next++;
      await echo(client);
    }
  }));
}

const options = parseArgs(process.argv.slice(2));
for (const target of options.targets) {
  target.clients = [];
  const headers = { ...options.headers, ...(options.targetHeaders[target.name] || {}) };
  for (let i = 0; i < options.sessions; i++) target.clients.push(await connect(target, headers));
  await burst(target.clients, options.warmup);
  target.cpu = 0;
  target.calls = 0;
  target.wall = 0;
}
for (let round = 0; round < options.rounds; round++) {
  for (const target of options.targets) {
    const cpu = cpuMicros(target.pid);
    const started = process.hrtime.bigint();
    await burst(target.clients, options.block);
    target.wall += Number(process.hrtime.bigint() - started) / 1e9;
    target.cpu += cpuMicros(target.pid) - cpu;
    target.calls += options.block;
  }
}
const report = {};
for (const target of options.targets) {
  report[target.name] = {
    kind: target.kind,
    calls: target.calls,
    cpu_us_per_call: Math.round(target.cpu / target.calls),
    calls_per_second: Math.round(target.calls / target.wall),
  };
  for (const client of target.clients) await client.close();
}
console.log(JSON.stringify(report));
