// Resumable streams with the TypeScript SDK v1 client (Streamable HTTP):
//   node resume-client.mjs --url URL --header "Authorization: Bearer T" [--calls N] [--ms MS] [--ticks N]
// Calls `sleep` (ms) and `ticks` (with progress) N times each on one session. Through a gateway that
// ends POST streams early (server.stream_max_duration), every answer must come back over the client's
// resumption (GET with Last-Event-ID). Prints one JSON report: the session id before and after, the
// results, the progress seen, and every request the client made (method, Last-Event-ID).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

function parseArgs(argv) {
  const args = { headers: {}, calls: 2, ms: 2500, ticks: 5 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === "--url") args.url = value;
    else if (flag === "--header") {
      const colon = value.indexOf(":");
      args.headers[value.slice(0, colon).trim()] = value.slice(colon + 1).trim();
    } else if (flag === "--calls") args.calls = Number(value);
    else if (flag === "--ms") args.ms = Number(value);
    else if (flag === "--ticks") args.ticks = Number(value);
    else throw new Error(`unknown flag ${flag}`);
  }
  return args;
}

const textOf = (result) => (result.content || []).filter((c) => c.type === "text").map((c) => c.text).join("\n");

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const report = { ok: false, results: [], progress: [], requests: [], errors: [] };
  const requests = report.requests;
  // Notes every request the SDK makes, to show the resumption happened.
  const fetchNoting = (url, init) => {
    const headers = new Headers(init?.headers);
    requests.push({ method: init?.method ?? "GET", lastEventId: headers.get("last-event-id") });
    return fetch(url, init);
  };
  const client = new Client({ name: "mcp-front-resume-client", version: "1.0.0" }, { capabilities: {} });
  const transport = new StreamableHTTPClientTransport(new URL(args.url),
    { requestInit: { headers: args.headers }, fetch: fetchNoting });
  transport.onerror = (e) => report.errors.push(String(e?.message ?? e));
  await client.connect(transport);
  report.sessionBefore = transport.sessionId;
  for (let i = 0; i < args.calls; i++) {
    const slept = await client.callTool({ name: "sleep", arguments: { ms: args.ms } }, undefined, { timeout: 60000 });
    report.results.push(textOf(slept));
    const progress = [];
    const ticked = await client.callTool({ name: "ticks", arguments: { count: args.ticks, ms: Math.floor(args.ms / args.ticks) } },
      undefined, { timeout: 60000, onprogress: (p) => progress.push(p.progress) });
    report.results.push(textOf(ticked));
    report.progress.push(progress);
  }
  report.sessionAfter = transport.sessionId;
  await client.close();
  report.ok = true;
  console.log(JSON.stringify(report));
}

main().catch((error) => {
  console.log(JSON.stringify({ ok: false, error: String(error?.stack ?? error) }));
  process.exit(1);
});
