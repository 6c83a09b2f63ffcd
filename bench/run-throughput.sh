#!/usr/bin/env bash
# Issue 15's measured throughput: tools/call per second through mcp-front's HTTP route with a backend and a
# load generator cheaper than the gateway (EchoBackend.java: plain JSON answers; wrk with a Lua script on
# pre-opened sessions, plain JSON answers), and what each process spent meanwhile; the same load straight to
# the backend first, for what the backend and wrk cost alone. Needs wrk (Debian: apt-get install -y wrk).
# Usage: bench/run-throughput.sh [seconds] [connections] [sessions = wrk threads]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
seconds="${1:-20}"
connections="${2:-32}"
sessions="${3:-4}"
jar="${JAR:-target/mcp-front.jar}"  # JAR=...: another build of mcp-front
[ -f "$jar" ] || { echo "build the jar first: ./mvnw -q package -DskipTests" >&2; exit 1; }
command -v wrk >/dev/null || { echo "needs wrk: apt-get install -y wrk" >&2; exit 1; }

echo_port=$(free_port); front_port=$(free_port)
java -cp "$jar" bench/EchoBackend.java "$echo_port" >"$work/echo.log" 2>&1 & echo_pid=$!; pids+=("$echo_pid")
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
  - path: "/echo"
    type: http
    backend: "http://127.0.0.1:$echo_port/mcp"
    protocol: "2025"
YAML
wait_port "$echo_port"
LOG_LEVEL=WARN java -jar "$jar" --config "$work/bench.yaml" >"$work/front.log" 2>&1 & front_pid=$!; pids+=("$front_pid")
wait_port "$front_port"
auth="Authorization: Bearer $(node bench/token.mjs --issuer "http://127.0.0.1:$front_port" --access-only)"

cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }  # utime + stime, in clock ticks (1/100 s)

# Opens a session on $1 (initialize, then notifications/initialized) and prints its id.
open_session() {
  local url=$1 header=$2 id
  id=$(curl -s -D - -o /dev/null -H "$header" -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' \
    -d '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"wrk","version":"1"}}}' \
    "$url" | tr -d '\r' | awk -F': ' 'tolower($1) == "mcp-session-id" { print $2 }')
  curl -s -o /dev/null -H "$header" -H 'Content-Type: application/json' -H "Mcp-Session-Id: $id" \
    -H 'Accept: application/json, text/event-stream' -H 'Mcp-Protocol-Version: 2025-06-18' \
    -d '{"jsonrpc":"2.0","method":"notifications/initialized"}' "$url"
  echo "$id"
}

# Runs wrk against $1 with $2 as Authorization (or nothing) and prints one JSON object with the CPU spent.
measure() {
  local name=$1 url=$2 header=$3 ids="" before_front before_echo out
  for _ in $(seq 1 "$sessions"); do ids+="$(open_session "$url" "${header:-X-None: 1}") "; done
  # Warm-up, then the measured run.
  SESSIONS="$ids" AUTH="$header" wrk -t "$sessions" -c "$connections" -d 10s -s bench/throughput.lua "$url" >/dev/null
  before_front=$(cpu "$front_pid"); before_echo=$(cpu "$echo_pid")
  TIMEFORMAT="%U %S"
  { time SESSIONS="$ids" AUTH="$header" wrk -t "$sessions" -c "$connections" -d "${seconds}s" --latency \
      -s bench/throughput.lua "$url" >"$work/$name.txt"; } 2>"$work/$name.time"
  out=$(cat "$work/$name.txt")
  echo "$out" >&2
  node -e '
    const [name, text, time, front, echo, seconds] = process.argv.slice(1);
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)[1]);
    const total = Number(/(\d+) requests in/.exec(text)[1]);
    const [user, sys] = time.trim().split(/\s+/).map(Number);
    const ms = (ticks) => Math.round(ticks * 10);
    console.log(JSON.stringify({ [name]: { calls_per_second: Math.round(rps), calls: total,
      p50: /50%\s+(\S+)/.exec(text)[1], p99: /99%\s+(\S+)/.exec(text)[1],
      cpu_ms: { mcp_front: ms(Number(front)), backend: ms(Number(echo)), wrk: Math.round((user + sys) * 1000) },
      mcp_front_us_per_call: Math.round((Number(front) * 1e4) / total),
      busy_errors: /Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? "0" } }));' \
    "$name" "$out" "$(tail -1 "$work/$name.time")" "$(( $(cpu "$front_pid") - before_front ))" \
    "$(( $(cpu "$echo_pid") - before_echo ))" "$seconds"
}

machine
echo "wrk: $sessions threads (one session each), $connections connections, ${seconds} s after a 10 s warm-up"
measure direct "http://127.0.0.1:$echo_port/mcp" ""
measure front "http://127.0.0.1:$front_port/echo/mcp" "$auth"
