#!/usr/bin/env bash
# stdio benchmark (issue 4), in one run on this machine:
#  1. tools/call latency of server-everything over stdio: directly (SDK stdio client), through
#     mcp-front (Streamable HTTP and SSE), through supergateway (SSE, and stateful Streamable HTTP), and
#     against the floor: floor-server.mjs, which answers at once with nothing behind it, so the client's
#     own cost of one HTTP exchange shows;
#  2. memory per idle session inside mcp-front (heap after GC, the child process not counted);
#  3. 200 concurrent stdio sessions, every one answering a call.
# Usage: bench/run-stdio.sh [calls] [warm-up calls]   (needs: mvn package, npm ci --prefix src/test/node)
# The warm-up (default 15000 calls per target) brings every target to steady state first: the JVM's
# C2 compiler needs about that many calls on 2 cores before it stops competing with the request path.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
calls="${1:-2000}"
warmup="${2:-15000}"
jar=target/mcp-front.jar
modules=src/test/node/node_modules
everything="$PWD/$modules/@modelcontextprotocol/server-everything/dist/index.js"
light="$PWD/src/test/node/stdio-test-server.mjs"
[ -f "$jar" ] || { echo "build the jar first: mvn -q package -DskipTests" >&2; exit 1; }
[ -f "$everything" ] || { echo "install the Node packages first: npm ci --prefix src/test/node" >&2; exit 1; }

heap_used() { curl -s "http://127.0.0.1:$front_port/metrics" | awk '/^jvm_memory_used_bytes/ && /area="heap"/ {s+=$NF} END {printf "%.0f", s}'; }

front_port=$(free_port); sg_sse_port=$(free_port); sg_http_port=$(free_port); floor_port=$(free_port)
cat >"$work/bench.yaml" <<YAML
oauth:
  issuer: "http://127.0.0.1:$front_port"
  allowed_domains: ["example.com"]
  identity: dev
  token_ttl: 1h
server:
  host: "127.0.0.1"
  port: $front_port
routes:
  - path: "/everything"
    type: stdio
    command: ["node", "$everything", "stdio"]
    max_sessions: 250
  - path: "/light"
    type: stdio
    command: ["node", "$light"]
    max_sessions: 400
YAML
LOG_LEVEL=WARN java -jar "$jar" --config "$work/bench.yaml" >"$work/front.log" 2>&1 & pids+=($!)
front_pid=$!
node "$modules/supergateway/dist/index.js" --stdio "node $everything stdio" --port "$sg_sse_port" --logLevel none >"$work/sg-sse.log" 2>&1 & pids+=($!)
node "$modules/supergateway/dist/index.js" --stdio "node $everything stdio" --outputTransport streamableHttp --stateful \
  --port "$sg_http_port" --logLevel none >"$work/sg-http.log" 2>&1 & pids+=($!)
node bench/floor-server.mjs "$floor_port" >"$work/floor.log" 2>&1 & pids+=($!)
wait_port "$front_port"; wait_port "$sg_sse_port"; wait_port "$sg_http_port"; wait_port "$floor_port"
# mcp-front's routes require it; the supergateway targets get it too and ignore it, so every HTTP
# target sends the same bytes.
bearer="Authorization: Bearer $(node bench/token.mjs --issuer "http://127.0.0.1:$front_port" --access-only)"

machine
echo
echo "## 1. tools/call latency over stdio ($calls calls per target after $warmup warm-up calls, interleaved blocks of 100)"
node bench/latency.mjs --calls "$calls" --warmup "$warmup" --block 100 --header "$bearer" \
  "direct-stdio=stdio:node $everything stdio" \
  "front-streamable=streamable:http://127.0.0.1:$front_port/everything/mcp" \
  "front-sse=sse:http://127.0.0.1:$front_port/everything/sse" \
  "supergateway-sse=sse:http://127.0.0.1:$sg_sse_port/sse" \
  "supergateway-streamable=streamable:http://127.0.0.1:$sg_http_port/mcp" \
  "floor-streamable=streamable:http://127.0.0.1:$floor_port/mcp" \
  "floor-sse=sse:http://127.0.0.1:$floor_port/sse" | tee "$work/latency.json"
# shellcheck disable=SC2016  # the ${...} are JavaScript template literals
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const d = r["direct-stdio"];
const transport = (name) => name.endsWith("-sse") ? "sse" : name.endsWith("-streamable") ? "streamable" : null;
console.log("| target | p50 ms | p99 ms | connect ms | p50 − direct stdio | p50 − floor (same transport) | p50 / supergateway (same transport) |");
console.log("|---|---|---|---|---|---|---|");
for (const [name, t] of Object.entries(r)) {
  const kind = transport(name);
  const peer = name.startsWith("front-") ? r["supergateway-" + kind] : null;
  const floor = kind && !name.startsWith("floor-") ? r["floor-" + kind] : null;
  const ratio = peer ? (t.p50_ms / peer.p50_ms).toFixed(2) : "";
  const overFloor = floor ? (t.p50_ms - floor.p50_ms).toFixed(3) : "";
  console.log(`| ${name} | ${t.p50_ms} | ${t.p99_ms} | ${t.connect_ms} | ${(t.p50_ms - d.p50_ms).toFixed(3)} | ${overFloor} | ${ratio} |`);
}' "$work/latency.json"

echo
echo "## 2. memory per idle session in mcp-front (100 idle /light sessions, heap after a full GC)"
jcmd "$front_pid" GC.run >/dev/null; sleep 1
before=$(heap_used)
for _ in $(seq 1 100); do
  curl -s -o /dev/null -X POST "http://127.0.0.1:$front_port/light/mcp" -H 'Content-Type: application/json' -H "$bearer" \
    -H 'Accept: application/json, text/event-stream' \
    -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"idle","version":"1"}}}'
done
sleep 2; jcmd "$front_pid" GC.run >/dev/null; sleep 1
after=$(heap_used)
echo "heap before: $before B, after 100 idle sessions: $after B, per session: $(( (after - before) / 100 )) B"

echo
echo "## 3. 200 concurrent stdio sessions (/light), one call each, all at once"
node bench/stdio-load.mjs "http://127.0.0.1:$front_port/light/mcp" 200 --header "$bearer"
