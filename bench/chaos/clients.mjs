// The chaos run's clients: N TypeScript SDK v1 clients calling tools without pause for a while,
// half over Streamable HTTP and half over legacy SSE, half on an HTTP route and half on a stdio route.
//   node clients.mjs --base URL --header "Authorization: Bearer T" --clients 50 --seconds 300
// Every fifth call is a long-running operation with four progress notifications; each must arrive
// once and in order. A session counts as lost only when mcp-front says it is gone (404, Session not found,
// Session ended) or the client must open a new one (its transport closed, or the SDK's legacy client
// followed a new endpoint event): then the client opens a new one. A failed call alone loses nothing: the
// client goes on with the same session, as Claude does. Prints one JSON report per route and transport.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

// The SDK pinned for the tests (src/test/node), as the other benches use it.
const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../../src/test/node/package.json"));
const { Client } = await import(require.resolve("@modelcontextprotocol/sdk/client/index.js"));
const { StreamableHTTPClientTransport } = await import(require.resolve("@modelcontextprotocol/sdk/client/streamableHttp.js"));
const { SSEClientTransport } = await import(require.resolve("@modelcontextprotocol/sdk/client/sse.js"));

const args = { headers: {}, clients: 50, seconds: 300 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const [flag, value] = [argv[i], argv[i + 1]];
  if (flag === "--base") args.base = value;
  else if (flag === "--clients") args.clients = Number(value);
  else if (flag === "--seconds") args.seconds = Number(value);
  else if (flag === "--header") {
    const colon = value.indexOf(":");
    args.headers[value.slice(0, colon).trim()] = value.slice(colon + 1).trim();
  } else throw new Error(`unknown flag ${flag}`);
}

const STEPS = 4;
const deadline = Date.now() + args.seconds * 1000;
const groups = {};

function group(name) {
  return (groups[name] ??= { clients: 0, calls: 0, failed: 0, sessionsOpened: 0, sessionsLost: 0,
    progressCalls: 0, progressDuplicated: 0, progressLost: 0, progressOutOfOrder: 0, errors: {} });
}

function note(g, error) {
  const text = String(error?.message ?? error).replace(/[0-9a-zA-Z_-]{20,}/g, "<id>").slice(0, 120);
  g.errors[text] = (g.errors[text] ?? 0) + 1;
}

async function open(route, transportName) {
  const url = new URL(`${args.base}${route}/${transportName === "sse" ? "sse" : "mcp"}`);
  const requestInit = { headers: args.headers };
  const transport = transportName === "sse"
    ? new SSEClientTransport(url, { requestInit, eventSourceInit: { fetch: (u, init) => fetch(u, { ...init, headers: { ...init?.headers, ...args.headers } }) } })
    : new StreamableHTTPClientTransport(url, { requestInit });
  const client = new Client({ name: "chaos-client", version: "1.0.0" }, { capabilities: {} });
  let closed = false;
  transport.onclose = () => { closed = true; };
  await client.connect(transport, { timeout: 20000 });
  const sessionId = transportName === "sse" ? transport._endpoint?.searchParams?.get("sessionId") : transport.sessionId;
  return { client, transport, sessionId, isClosed: () => closed };
}

const gone = (error) => /404|Session not found|session.*(ended|gone)|Not connected|Connection closed/i.test(String(error?.message ?? error));

async function run(index) {
  const route = index % 2 === 0 ? "/remote" : "/local";
  const transportName = index % 4 < 2 ? "streamable" : "sse";
  const g = group(`${route} ${transportName}`);
  g.clients++;
  let session = null;
  let n = 0;
  while (Date.now() < deadline) {
    if (!session) {
      try {
        session = await open(route, transportName);
        g.sessionsOpened++;
      } catch (error) {
        note(g, error);
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
    }
    n++;
    g.calls++;
    const progress = n % 5 === 0;
    const seen = [];
    try {
      if (progress) {
        await session.client.callTool({ name: "trigger-long-running-operation", arguments: { duration: 1, steps: STEPS } },
          undefined, { timeout: 30000, onprogress: (p) => seen.push(p.progress) });
        g.progressCalls++;
        const distinct = new Set(seen);
        g.progressDuplicated += seen.length - distinct.size;
        g.progressLost += STEPS - distinct.size;
        if (seen.some((v, i) => i > 0 && v < seen[i - 1])) g.progressOutOfOrder++;
      } else {
        await session.client.callTool({ name: "echo", arguments: { message: `c${index}-${n}` } }, undefined, { timeout: 30000 });
      }
      // The SDK's legacy client follows a new endpoint event without a word (its reconnects lose
      // Last-Event-ID): a session id that changed under it is a session lost too.
      const now = session.transport._endpoint?.searchParams?.get("sessionId");
      if (transportName === "sse" && session.sessionId && now && now !== session.sessionId) {
        g.sessionsLost++;
        g.sessionsOpened++;
        session.sessionId = now;
      }
    } catch (error) {
      g.failed++;
      note(g, error);
      // A call that failed (in flight at a kill, or a 504 while the cluster has not yet dropped a dead
      // member) is counted as failed; the session is lost only if mcp-front says so.
      if (gone(error) || session.isClosed()) {
        g.sessionsLost++;
        console.error(new Date().toISOString(), "lost", route, transportName, session.sessionId,
          session.isClosed() ? "transport closed" : String(error?.message ?? error).slice(0, 300));
        await session.client.close().catch(() => {});
        session = null;
      }
    }
  }
  if (session) await session.client.close().catch(() => {});
}

await Promise.all(Array.from({ length: args.clients }, (_, i) => run(i)));
console.log(JSON.stringify(groups));
process.exit(0);
