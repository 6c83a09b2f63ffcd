#!/usr/bin/env bash
# Warm stdio pools (issue 15): a new session's time to its first tool result on a stdio route that starts
# a process per session (cold) and on the same route with `warm: 4`, interleaved in one run, for
# server-everything (a real Node MCP server) and the light stdio test server; and the floor: the same
# client sequence (initialize, initialized, GET stream, tools/call) on an HTTP route to floor-server.mjs,
# which has no process to start at all (what a new session costs before any backend work).
# Usage: bench/run-warm.sh [sessions per target] [gap ms]   (needs: mvn package, npm ci --prefix src/test/node)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
sessions="${1:-50}"
gap="${2:-1500}"
jar=target/mcp-front.jar
modules=src/test/node/node_modules
everything="$PWD/$modules/@modelcontextprotocol/server-everything/dist/index.js"
light="$PWD/src/test/node/stdio-test-server.mjs"
[ -f "$jar" ] || { echo "build the jar first: mvn -q package -DskipTests" >&2; exit 1; }
[ -f "$everything" ] || { echo "install the Node packages first: npm ci --prefix src/test/node" >&2; exit 1; }

front_port=$(free_port); floor_port=$(free_port)
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
  - { path: "/everything-cold", type: stdio, command: ["node", "$everything", "stdio"], max_sessions: 20 }
  - { path: "/everything-warm", type: stdio, command: ["node", "$everything", "stdio"], max_sessions: 20, warm: 4 }
  - { path: "/light-cold", type: stdio, command: ["node", "$light"], max_sessions: 20 }
  - { path: "/light-warm", type: stdio, command: ["node", "$light"], max_sessions: 20, warm: 4 }
  - { path: "/floor", type: http, backend: "http://127.0.0.1:$floor_port/mcp", protocol: "2025" }
YAML
node bench/floor-server.mjs "$floor_port" >"$work/floor.log" 2>&1 & pids+=($!)
LOG_LEVEL=WARN java -jar "$jar" --config "$work/bench.yaml" >"$work/front.log" 2>&1 & pids+=($!)
wait_port "$front_port"; wait_port "$floor_port"
bearer="Authorization: Bearer $(node bench/token.mjs --issuer "http://127.0.0.1:$front_port" --access-only)"

machine
echo "## first tool result of a new session ($sessions sessions per target, interleaved, ${gap} ms apart)"
base="http://127.0.0.1:$front_port"
node bench/warm-start.mjs --header "$bearer" --sessions "$sessions" --gap "$gap" \
  --target "everything-cold=$base/everything-cold/mcp" --target "everything-warm=$base/everything-warm/mcp" \
  --target "light-cold=$base/light-cold/mcp" --target "light-warm=$base/light-warm/mcp" \
  --target "floor-http=$base/floor/mcp" | tee "$work/warm.json"
python3 - "$work/warm.json" <<'PY'
import json, sys
rows = {r["target"]: r for r in json.load(open(sys.argv[1]))}
print("| target | sessions | errors | p50 ms | p90 ms | max ms |")
print("|---|---|---|---|---|---|")
for r in rows.values():
    print(f"| {r['target']} | {r['sessions']} | {r['errors']} | {r['p50_ms']} | {r['p90_ms']} | {r['max_ms']} |")
PY
