#!/usr/bin/env bash
# The Vert.x/Netty floor under run-sessions.sh's heap per session (issue 15): N idle SSE streams held on a
# bare Vert.x server (SseFloor.java: same Vert.x, Netty and HTTP server options as mcp-front's edge, nothing
# else), each client sending a bearer token of mcp-front's size. Live heap per stream (class histogram after a
# full GC, before and while held), file descriptors, and the classes that grew most per stream.
# Usage: bench/run-floor-sse.sh [streams, default 1000]   (needs: mvn package)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
streams="${1:-1000}"
jar=target/mcp-front.jar
[ -f "$jar" ] || { echo "build the jar first: mvn -q package -DskipTests" >&2; exit 1; }
port=$(free_port)
# Compiled first: run as a source file, the compiler's own objects would sit in the heap being measured.
javac -d "$work/classes" -cp "$jar" bench/SseFloor.java
java -cp "$jar:$work/classes" SseFloor "$port" >"$work/floor.log" 2>&1 & pids+=($!)
floor_pid=$!
wait_port "$port"
# A header the size of mcp-front's access tokens (TOKEN_CHARS, default 833; its length decides the size the
# request decoder's line buffer grows to).
bearer="Authorization: Bearer $(python3 -c "print('x' * ${TOKEN_CHARS:-833})")"
live() { jcmd "$floor_pid" GC.class_histogram >"$work/histo-$1.txt"; awk '/^Total/ {print $3}' "$work/histo-$1.txt"; }
fds() { find "/proc/$floor_pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
machine
# Warm-up: a first round creates what later streams share.
node bench/hold-streams.mjs --url "http://127.0.0.1:$port/sse" --streams 100 --header "$bearer" \
  --ready-file "$work/ready0" --release-file "$work/ready0" >/dev/null
sleep 2
before=$(live before); fds_before=$(fds)
node bench/hold-streams.mjs --url "http://127.0.0.1:$port/sse" --streams "$streams" --header "$bearer" \
  --ready-file "$work/ready" --release-file "$work/release" >"$work/run.json" & client=$!
while [ ! -f "$work/ready" ]; do sleep 1; done
sleep 5
held=$(live held); fds_held=$(fds)
[ -z "${HISTO_DIR:-}" ] || { mkdir -p "$HISTO_DIR"; cp "$work"/histo-before.txt "$work"/histo-held.txt "$HISTO_DIR"/; }
touch "$work/release"; wait "$client"
echo "## $streams idle SSE streams on a bare Vert.x server (SseFloor.java), Authorization header of ${#bearer} bytes"
cat "$work/run.json"
python3 - "$work" "$streams" "$before" "$held" "$fds_before" "$fds_held" <<'PY'
import sys
work, n = sys.argv[1], int(sys.argv[2])
before, held, fb, fh = map(int, sys.argv[3:7])
print(f"live heap: before {before/1e6:.1f} MB, held {held/1e6:.1f} MB: {(held-before)/n/1024:.2f} KiB per stream")
print(f"file descriptors: before {fb}, held {fh} ({(fh-fb)/n:.2f} per stream)")
PY
bench/histo-growth.py "$work" "$streams" stream 15
