#!/usr/bin/env bash
# Issue 15's CPU figure: the CPU mcp-front spends per proxied tools/call against a bare Vert.x
# pass-through (PassThrough.java: forwards bytes, no auth, no parsing, no sessions), same backend, same
# client, same load, measured in one run in interleaved rounds after warm-up (cpu-per-call.mjs).
# The backend is the floor (floor-server.mjs: answers echo at once, both transports, both eras), so the
# gateways' own work is what differs. Usage: bench/run-cpu.sh [rounds] [block] [warm-up] [sessions]
# With BASE_JAR=<another mcp-front.jar> a second mcp-front from that jar is measured in the same run (targets
# base-*), so that a change is measured against the build before it, interleaved, on the same load.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
rounds="${1:-20}"
block="${2:-2000}"
warmup="${3:-20000}"
sessions="${4:-16}"
jar="${JAR:-target/mcp-front.jar}"  # JAR=...: another build of mcp-front
[ -f "$jar" ] || { echo "build the jar first: ./mvnw -q package -DskipTests" >&2; exit 1; }
[ -d src/test/node/node_modules ] || { echo "install the Node packages first: npm ci --prefix src/test/node" >&2; exit 1; }

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
  - path: "/floor"
    type: http
    backend: "http://127.0.0.1:$floor_port/mcp"
  - path: "/floor-2025"
    type: http
    backend: "http://127.0.0.1:$floor_port/mcp"
    protocol: "2025"
  - path: "/floor-sse"
    type: http
    backend: "http://127.0.0.1:$floor_port/sse"
YAML
wait_port "$floor_port"
LOG_LEVEL=WARN java -jar "$jar" --config "$work/bench.yaml" >"$work/front.log" 2>&1 & front_pid=$!; pids+=("$front_pid")
java -cp "$jar" bench/PassThrough.java "$pass_port" "http://127.0.0.1:$floor_port" >"$work/pass.log" 2>&1 & pass_pid=$!; pids+=("$pass_pid")
base_targets=()
if [ -n "${BASE_JAR:-}" ]; then
  # The same configuration on its own port (and issuer: it signs its own tokens).
  base_port=$(free_port)
  sed "s/$front_port/$base_port/g" "$work/bench.yaml" >"$work/base.yaml"
  LOG_LEVEL=WARN java -jar "$BASE_JAR" --config "$work/base.yaml" >"$work/base.log" 2>&1 & base_pid=$!; pids+=("$base_pid")
  wait_port "$base_port"
  base_auth="Authorization: Bearer $(node bench/token.mjs --issuer "http://127.0.0.1:$base_port" --access-only)"
  base_targets=(
    --target-header "base-streamable=$base_auth" --target-header "base-sse=$base_auth"
    --target-header "base-2026=$base_auth"
    "base-streamable=streamable:http://127.0.0.1:$base_port/floor-2025/mcp@$base_pid"
    "base-sse=sse:http://127.0.0.1:$base_port/floor-sse/sse@$base_pid"
    "base-2026=modern:http://127.0.0.1:$base_port/floor/mcp@$base_pid")
fi
wait_port "$front_port"; wait_port "$pass_port"
bearer="Authorization: Bearer $(node bench/token.mjs --issuer "http://127.0.0.1:$front_port" --access-only)"

machine
echo "$sessions sessions per target, $warmup warm-up calls, $rounds interleaved rounds of $block calls"
node bench/cpu-per-call.mjs --sessions "$sessions" --warmup "$warmup" --rounds "$rounds" --block "$block" \
  --header "$bearer" \
  "pass-streamable=streamable:http://127.0.0.1:$pass_port/mcp@$pass_pid" \
  "front-streamable=streamable:http://127.0.0.1:$front_port/floor-2025/mcp@$front_pid" \
  "pass-sse=sse:http://127.0.0.1:$pass_port/sse@$pass_pid" \
  "front-sse=sse:http://127.0.0.1:$front_port/floor-sse/sse@$front_pid" \
  "pass-2026=modern:http://127.0.0.1:$pass_port/mcp@$pass_pid" \
  "front-2026=modern:http://127.0.0.1:$front_port/floor/mcp@$front_pid" "${base_targets[@]}" | tee "$work/result.json"
# shellcheck disable=SC2016  # the ${...} are JavaScript template literals
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
console.log("| path | pass-through µs/call | mcp-front µs/call | ratio | capacity at this cost (2 cores) |");
console.log("|---|---|---|---|---|");
for (const [pass, front] of [["pass-streamable", "front-streamable"], ["pass-sse", "front-sse"], ["pass-2026", "front-2026"]]) {
  const p = r[pass].cpu_us_per_call, f = r[front].cpu_us_per_call;
  console.log(`| ${front.slice(6)} | ${p} | ${f} | ${(f / p).toFixed(2)} | ${Math.round(2e6 / f)} calls/s |`);
}
for (const path of ["streamable", "sse", "2026"]) {
  const b = r["base-" + path], f = r["front-" + path];
  if (b) console.log(`base-${path}: ${b.cpu_us_per_call} µs/call, this build ${f.cpu_us_per_call} (${(100 * (f.cpu_us_per_call / b.cpu_us_per_call - 1)).toFixed(1)}%)`);
}' "$work/result.json"
