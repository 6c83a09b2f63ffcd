#!/usr/bin/env bash
# Gateway overhead benchmark: tools/call latency of server-everything reached directly and through
# mcp-front, for both transports, measured in one run (interleaved blocks) on this machine.
# Usage: bench/run.sh [calls] [warm-up calls]   (needs: mvn package, npm ci --prefix src/test/node)
# The warm-up (default 15000 calls per target) lets the JVM's JIT settle first; see bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
calls="${1:-5000}"
warmup="${2:-15000}"
jar=target/mcp-front.jar
everything=src/test/node/node_modules/@modelcontextprotocol/server-everything/dist/index.js
[ -f "$jar" ] || { echo "build the jar first: mvn -q package -DskipTests" >&2; exit 1; }
[ -f "$everything" ] || { echo "install the Node packages first: npm ci --prefix src/test/node" >&2; exit 1; }

streamable_port=$(free_port); sse_port=$(free_port); front_port=$(free_port)
PORT=$streamable_port node "$everything" streamableHttp >"$work/streamable.log" 2>&1 & pids+=($!)
PORT=$sse_port node "$everything" sse >"$work/sse.log" 2>&1 & pids+=($!)
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
  - path: "/streamable"
    type: http
    backend: "http://127.0.0.1:$streamable_port/mcp"
  - path: "/legacy"
    type: http
    backend: "http://127.0.0.1:$sse_port/sse"
YAML
wait_port "$streamable_port"; wait_port "$sse_port"
LOG_LEVEL=WARN java -jar "$jar" --config "$work/bench.yaml" >"$work/front.log" 2>&1 & pids+=($!)
wait_port "$front_port"
# mcp-front's routes require it; the backends reached directly get it too and ignore it, so every
# target sends the same bytes.
bearer="Authorization: Bearer $(node bench/token.mjs --issuer "http://127.0.0.1:$front_port" --access-only)"

machine
echo "calls per target: $calls (after $warmup warm-up calls), interleaved blocks of 100"
node bench/latency.mjs --calls "$calls" --warmup "$warmup" --block 100 --header "$bearer" \
  "direct-streamable=streamable:http://127.0.0.1:$streamable_port/mcp" \
  "front-streamable=streamable:http://127.0.0.1:$front_port/streamable/mcp" \
  "direct-sse=sse:http://127.0.0.1:$sse_port/sse" \
  "front-sse=sse:http://127.0.0.1:$front_port/legacy/sse" \
  "front-sse-to-streamable=sse:http://127.0.0.1:$front_port/streamable/sse" \
  "front-streamable-to-sse=streamable:http://127.0.0.1:$front_port/legacy/mcp" | tee "$work/result.json"
# shellcheck disable=SC2016  # the ${...} are JavaScript template literals
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const row = (name, base) => {
  const t = r[name], b = r[base];
  const d50 = (t.p50_ms - b.p50_ms).toFixed(3), d99 = (t.p99_ms - b.p99_ms).toFixed(3);
  const ratio = (t.p50_ms / b.p50_ms).toFixed(2);
  console.log(`| ${name} | ${base} | ${t.p50_ms} | ${t.p99_ms} | ${b.p50_ms} | ${b.p99_ms} | +${d50} | +${d99} | ${ratio} |`);
};
console.log("| target | baseline | p50 ms | p99 ms | base p50 | base p99 | added p50 | added p99 | p50 ratio |");
console.log("|---|---|---|---|---|---|---|---|---|");
row("front-streamable", "direct-streamable");
row("front-sse", "direct-sse");
row("front-sse-to-streamable", "direct-streamable");
row("front-streamable-to-sse", "direct-sse");
' "$work/result.json"
