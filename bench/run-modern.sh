#!/usr/bin/env bash
# MCP 2026-07-28 through mcp-front: tools/call latency with the SDK v2 client, each path against the
# same client reaching the backend directly, measured in one run (interleaved blocks) on this machine.
# Backends: the floor (floor-server.mjs, answers at once in either era: what a gateway adds shows
# clearly) and our SDK v2 fixture (a real SDK server, both eras) next to server-everything (2025).
# Usage: bench/run-modern.sh [calls] [warm-up calls]   (needs: mvn package, npm ci --prefix src/test/node)
# With BASE_JAR=<another mcp-front.jar> a second mcp-front from that jar serves the three floor paths too
# (targets base-front-floor-*), measured in the same run, so that a change shows against the build before it.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
calls="${1:-5000}"
warmup="${2:-15000}"
jar="${JAR:-target/mcp-front.jar}"  # JAR=...: another build of mcp-front
everything=src/test/node/node_modules/@modelcontextprotocol/server-everything/dist/index.js
fixture=src/test/node/modern-server.mjs
[ -f "$jar" ] || { echo "build the jar first: mvn -q package -DskipTests" >&2; exit 1; }
[ -f "$everything" ] || { echo "install the Node packages first: npm ci --prefix src/test/node" >&2; exit 1; }

modern_port=$(free_port); legacy_port=$(free_port); front_port=$(free_port); floor_port=$(free_port)
node "$fixture" --era dual --port "$modern_port" >"$work/modern.log" 2>&1 & pids+=($!)
node bench/floor-server.mjs "$floor_port" >"$work/floor.log" 2>&1 & pids+=($!)
PORT=$legacy_port node "$everything" streamableHttp >"$work/legacy.log" 2>&1 & pids+=($!)
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
  - path: "/modern"
    type: http
    backend: "http://127.0.0.1:$modern_port/mcp"
  - path: "/legacy"
    type: http
    backend: "http://127.0.0.1:$legacy_port/mcp"
  - path: "/floor"
    type: http
    backend: "http://127.0.0.1:$floor_port/mcp"
  - path: "/floor-2025"
    type: http
    backend: "http://127.0.0.1:$floor_port/mcp"
    protocol: "2025"
YAML
wait_port "$modern_port"; wait_port "$legacy_port"; wait_port "$floor_port"
LOG_LEVEL=WARN java -jar "$jar" --config "$work/bench.yaml" >"$work/front.log" 2>&1 & pids+=($!)
wait_port "$front_port"
bearer="Authorization: Bearer $(node bench/token.mjs --issuer "http://127.0.0.1:$front_port" --access-only)"
base_targets=()
if [ -n "${BASE_JAR:-}" ]; then
  base_port=$(free_port)
  sed "s/$front_port/$base_port/g" "$work/bench.yaml" >"$work/base.yaml"
  LOG_LEVEL=WARN java -jar "$BASE_JAR" --config "$work/base.yaml" >"$work/base.log" 2>&1 & pids+=($!)
  wait_port "$base_port"
  base_auth="Authorization: Bearer $(node bench/token.mjs --issuer "http://127.0.0.1:$base_port" --access-only)"
  for name in base-front-floor-2026 base-front-floor-2025-to-2026 base-front-floor-2026-to-2025; do
    base_targets+=(--target-header "$name=$base_auth")
  done
  base_targets+=(
    "base-front-floor-2026=pin:http://127.0.0.1:$base_port/floor/mcp"
    "base-front-floor-2025-to-2026=legacy:http://127.0.0.1:$base_port/floor/mcp"
    "base-front-floor-2026-to-2025=pin:http://127.0.0.1:$base_port/floor-2025/mcp")
fi

machine
echo "calls per target: $calls (after $warmup warm-up calls), interleaved blocks of 100"
targets=(
  "floor-2026=pin:http://127.0.0.1:$floor_port/mcp"
  "front-floor-2026=pin:http://127.0.0.1:$front_port/floor/mcp"
  "floor-2025=legacy:http://127.0.0.1:$floor_port/mcp"
  "front-floor-2025-to-2026=legacy:http://127.0.0.1:$front_port/floor/mcp"
  "front-floor-2026-to-2025=pin:http://127.0.0.1:$front_port/floor-2025/mcp")
# FLOOR_ONLY=1: the floor paths alone (mcp-front's own share; quicker on a busy machine).
if [ -z "${FLOOR_ONLY:-}" ]; then
  targets+=(
    "direct-2026=pin:http://127.0.0.1:$modern_port/mcp"
    "front-2026-to-2026=pin:http://127.0.0.1:$front_port/modern/mcp"
    "direct-2025-on-dual=legacy:http://127.0.0.1:$modern_port/mcp"
    "front-2025-to-2026=legacy:http://127.0.0.1:$front_port/modern/mcp"
    "direct-2025=legacy:http://127.0.0.1:$legacy_port/mcp"
    "front-2026-to-2025=pin:http://127.0.0.1:$front_port/legacy/mcp")
fi
node bench/modern-latency.mjs --calls "$calls" --warmup "$warmup" --block 100 --header "$bearer" \
  "${targets[@]}" "${base_targets[@]}" | tee "$work/result.json"
# shellcheck disable=SC2016  # the ${...} are JavaScript template literals
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const row = (name, base) => {
  const t = r[name], b = r[base];
  const d50 = (t.p50_ms - b.p50_ms).toFixed(3), d99 = (t.p99_ms - b.p99_ms).toFixed(3);
  console.log(`| ${name} (${t.era}) | ${base} (${b.era}) | ${t.p50_ms} | ${t.p99_ms} | ${b.p50_ms} | ${b.p99_ms} | +${d50} | +${d99} | ${(t.p50_ms / b.p50_ms).toFixed(2)} |`);
};
console.log("| target (client era) | baseline | p50 ms | p99 ms | base p50 | base p99 | added p50 | added p99 | p50 ratio |");
console.log("|---|---|---|---|---|---|---|---|---|");
row("front-floor-2026", "floor-2026");
row("front-floor-2025-to-2026", "floor-2026");
row("front-floor-2025-to-2026", "floor-2025");
row("front-floor-2026-to-2025", "floor-2025");
row("front-floor-2026-to-2025", "floor-2026");
if (r["direct-2026"]) {
  row("front-2026-to-2026", "direct-2026");
  row("front-2025-to-2026", "direct-2026");
  row("front-2025-to-2026", "direct-2025-on-dual");
  row("front-2026-to-2025", "direct-2025");
}
if (r["base-front-floor-2026"]) {
  row("base-front-floor-2026", "floor-2026");
  row("base-front-floor-2025-to-2026", "floor-2025");
  row("base-front-floor-2026-to-2025", "floor-2025");
}
' "$work/result.json"
