#!/usr/bin/env bash
# A JFR recording of mcp-front under one kind of tools/call load (CPU samples every 1 ms and allocation
# samples), for finding what a call costs: the same setup as run-cpu.sh, the floor as backend.
# Usage: bench/profile.sh <streamable|sse|modern|bridged> [calls] [warm-up] [sessions] [out.jfr]
#   streamable, sse: SDK v1 client to the 2025 floor; modern: SDK v2 client (2026-07-28) forwarded at the edge;
#   bridged: SDK v2 client (2026-07-28) to the floor pinned to protocol 2025 (a bridged session).
# Prints the hottest methods (own time and with callees) and allocations; keeps the recording.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
kind="${1:?kind: streamable|sse|modern|bridged}"
calls="${2:-40000}"
warmup="${3:-20000}"
sessions="${4:-16}"
out="${5:-target/profile-$kind.jfr}"
jar=target/mcp-front.jar
[ -f "$jar" ] || { echo "build the jar first: ./mvnw -q package -DskipTests" >&2; exit 1; }

floor_port=$(free_port); front_port=$(free_port)
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
cat >"$work/settings.jfc" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0">
  <event name="jdk.ExecutionSample"><setting name="enabled">true</setting><setting name="period">1 ms</setting></event>
  <event name="jdk.ObjectAllocationSample"><setting name="enabled">true</setting><setting name="throttle">300/s</setting>
    <setting name="stackTrace">true</setting></event>
  <event name="jdk.GarbageCollection"><setting name="enabled">true</setting><setting name="threshold">0 ms</setting></event>
  <event name="jdk.ThreadCPULoad"><setting name="enabled">true</setting><setting name="period">1 s</setting></event>
</configuration>
XML
wait_port "$floor_port"
LOG_LEVEL=WARN java "-XX:StartFlightRecording=settings=$work/settings.jfc,filename=$work/rec.jfr,delay=60s" \
  -jar "$jar" --config "$work/bench.yaml" >"$work/front.log" 2>&1 & front_pid=$!; pids+=("$front_pid")
wait_port "$front_port"
bearer="Authorization: Bearer $(node bench/token.mjs --issuer "http://127.0.0.1:$front_port" --access-only)"
case "$kind" in
  streamable) target="streamable:http://127.0.0.1:$front_port/floor-2025/mcp" ;;
  sse) target="sse:http://127.0.0.1:$front_port/floor-sse/sse" ;;
  modern) target="modern:http://127.0.0.1:$front_port/floor/mcp" ;;
  bridged) target="modern:http://127.0.0.1:$front_port/floor-2025/mcp" ;;
  *) echo "unknown kind $kind" >&2; exit 1 ;;
esac
# The recording starts 60 s after the JVM: the warm-up runs first, then the measured calls.
node bench/cpu-per-call.mjs --sessions "$sessions" --warmup "$warmup" --rounds 1 --block 1000 --header "$bearer" \
  "warm=$target@$front_pid" >/dev/null
sleep_left=$(( 60 - SECONDS )); [ "$sleep_left" -gt 0 ] && sleep "$sleep_left"
node bench/cpu-per-call.mjs --sessions "$sessions" --warmup 1000 --rounds 1 --block "$calls" --header "$bearer" \
  "$kind=$target@$front_pid"
jcmd "$front_pid" JFR.dump filename="$(pwd)/$out" >/dev/null
echo "recording: $out"
