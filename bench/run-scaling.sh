#!/usr/bin/env bash
# CPU per tools/call and calls per second against concurrency (issue 15's plots): mcp-front's HTTP route and
# the bare pass-through (PassThrough.java) in front of the floor, Streamable HTTP client, for each number of
# sessions in turn; within one count both are measured in interleaved rounds after warm-up (cpu-per-call.mjs).
# Usage: bench/run-scaling.sh [rounds] [block] [warm-up] [session counts...]   e.g. 6 1000 5000 1 4 16 64
# Prints one JSON line per session count ({"sessions": n, "pass": {...}, "front": {...}}); bench/plot.sh draws them.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
rounds="${1:-6}"
block="${2:-1000}"
warmup="${3:-5000}"
shift $(( $# < 3 ? $# : 3 ))
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(1 4 16 64)
jar="${JAR:-target/mcp-front.jar}"  # JAR=...: another build of mcp-front
[ -f "$jar" ] || { echo "build the jar first: ./mvnw -q package -DskipTests" >&2; exit 1; }

floor_port=$(free_port); front_port=$(free_port); pass_port=$(free_port)
node bench/floor-server.mjs "$floor_port" >"$work/floor.log" 2>&1 & pids+=($!)
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
  - path: "/floor-2025"
    type: http
    backend: "http://127.0.0.1:$floor_port/mcp"
    protocol: "2025"
    max_sessions: 1000
    max_sessions_per_user: 1000
YAML
wait_port "$floor_port"
LOG_LEVEL=WARN java -jar "$jar" --config "$work/bench.yaml" >"$work/front.log" 2>&1 & front_pid=$!; pids+=("$front_pid")
java -cp "$jar" bench/PassThrough.java "$pass_port" "http://127.0.0.1:$floor_port" >"$work/pass.log" 2>&1 & pass_pid=$!; pids+=("$pass_pid")
wait_port "$front_port"; wait_port "$pass_port"
bearer="Authorization: Bearer $(node bench/token.mjs --issuer "http://127.0.0.1:$front_port" --access-only)"

machine >&2
for sessions in "${counts[@]}"; do
  echo "$sessions sessions: $warmup warm-up calls, $rounds interleaved rounds of $block calls" >&2
  result=$(node bench/cpu-per-call.mjs --sessions "$sessions" --warmup "$warmup" --rounds "$rounds" --block "$block" \
    --header "$bearer" \
    "pass=streamable:http://127.0.0.1:$pass_port/mcp@$pass_pid" \
    "front=streamable:http://127.0.0.1:$front_port/floor-2025/mcp@$front_pid")
  echo "{\"sessions\": $sessions, ${result:1}"
done
