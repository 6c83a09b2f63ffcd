#!/usr/bin/env bash
# Many concurrent sessions on one instance (issue 15): N sessions (half Streamable HTTP with the GET stream
# open, half legacy SSE) on an HTTP route in front of the floor server, held for HOLD seconds with one
# tools/call per session every 10 s. Reports every call answered or not, live heap per held session (class
# histogram totals after a full GC: before any session, while they are held, after they closed), file
# descriptors at the same three points, and the classes whose instances grew most per session.
# Usage: bench/run-sessions.sh [sessions, default 1000] [hold seconds, default 600]
#        HEAP_DUMP=<file.hprof> also dumps the heap while held (and before and after, to <file>-before/-after.hprof); HISTO_DIR=<dir> keeps the histograms
#        (needs: mvn package, npm ci --prefix src/test/node)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
sessions="${1:-1000}"
hold="${2:-600}"
jar="${JAR:-target/mcp-front.jar}"  # JAR=...: another build of mcp-front
[ -f "$jar" ] || { echo "build the jar first: mvn -q package -DskipTests" >&2; exit 1; }

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
  max_sessions: $((sessions * 2))
routes:
  - path: "/floor"
    type: http
    backend: "http://127.0.0.1:$floor_port/mcp"
    protocol: "2025"
    timeout: "1h"
    max_sessions: $((sessions * 2))
    max_sessions_per_user: $((sessions * 2))
YAML
node bench/floor-server.mjs "$floor_port" >"$work/floor.log" 2>&1 & pids+=($!)
LOG_LEVEL=WARN java -jar "$jar" --config "$work/bench.yaml" >"$work/front.log" 2>&1 & pids+=($!)
front_pid=$!
wait_port "$floor_port"; wait_port "$front_port"
bearer="Authorization: Bearer $(node bench/token.mjs --issuer "http://127.0.0.1:$front_port" --access-only)"
base="http://127.0.0.1:$front_port/floor"

# Live bytes after a full GC (GC.class_histogram collects first), and the histogram itself.
live() { jcmd "$front_pid" GC.class_histogram >"$work/histo-$1.txt"; awk '/^Total/ {print $3}' "$work/histo-$1.txt"; }
fds() { find "/proc/$front_pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }

machine
# Warm-up: the first sessions create what every later one shares (pools, codecs, compiled code).
node src/test/node/many-sessions.mjs --base "$base" --header "$bearer" --sessions 100 --hold 12 --every 4 >"$work/warmup.json"
# The warm-up left connections to the backend in mcp-front's pool (as many as its busiest moment needed);
# the floor server closes them after 5 s idle. Measured with them, "before" would be high by a varying
# amount and the heap per session low by as much.
sleep 10
before=$(live before); fds_before=$(fds)
[ -z "${HEAP_DUMP:-}" ] || jcmd "$front_pid" GC.heap_dump "$(realpath -m "${HEAP_DUMP%.hprof}-before.hprof")" >/dev/null

rm -f "$work/ready" "$work/release"
node src/test/node/many-sessions.mjs --base "$base" --header "$bearer" --sessions "$sessions" --hold "$hold" --every 10 \
  --ready-file "$work/ready" --release-file "$work/release" >"$work/run.json" & client=$!
while [ ! -f "$work/ready" ]; do sleep 1; done
sleep 20
held=$(live held); fds_held=$(fds)
# HEAP_DUMP=<file.hprof>: also dump the live heap while the sessions are held (for a dominator analysis).
[ -z "${HEAP_DUMP:-}" ] || jcmd "$front_pid" GC.heap_dump "$(realpath -m "$HEAP_DUMP")" >/dev/null
[ -z "${HISTO_DIR:-}" ] || { mkdir -p "$HISTO_DIR"; cp "$work"/histo-before.txt "$work"/histo-held.txt "$HISTO_DIR"/; }
touch "$work/release"
wait "$client"
# A stream's keep-alive timer (server.sse_keepalive, 20 s) notices a closed client at its next tick and lets go
# of the response then: measure after one interval, or the last streams still count.
sleep 25
after=$(live after); fds_after=$(fds)
[ -z "${HEAP_DUMP:-}" ] || jcmd "$front_pid" GC.heap_dump "$(realpath -m "${HEAP_DUMP%.hprof}-after.hprof")" >/dev/null

echo "## $sessions sessions held ${hold} s (half Streamable HTTP + GET stream, half legacy SSE), a call each every 10 s"
cat "$work/run.json"
python3 - "$work" "$sessions" "$before" "$held" "$after" "$fds_before" "$fds_held" "$fds_after" <<'PY'
import sys
work, n = sys.argv[1], int(sys.argv[2])
before, held, after, fb, fh, fa = map(int, sys.argv[3:9])
print(f"live heap: before {before/1e6:.1f} MB, held {held/1e6:.1f} MB, after {after/1e6:.1f} MB")
print(f"heap per held session: {(held-before)/n/1024:.1f} KiB; left after close: {(after-before)/1024:.0f} KiB")
print(f"file descriptors: before {fb}, held {fh} ({(fh-fb)/n:.2f} per session), after {fa}")
PY
bench/histo-growth.py "$work" "$sessions" session 25 after
