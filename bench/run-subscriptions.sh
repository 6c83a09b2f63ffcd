#!/usr/bin/env bash
# Many idle MCP 2026-07-28 subscriptions on one instance (issue 15): N subscriptions/listen held open through
# an HTTP route in front of the floor server (which acknowledges a listen at once and notifies every open one
# on POST /notify), from a few client processes. Reports how many were opened and acknowledged, live heap
# per held subscription (class histogram after a full GC: before, held, after close), file descriptors
# (mcp-front's and the backend's), whether one notification reached every listen, and what is left after.
# Usage: bench/run-subscriptions.sh [subscriptions, default 10000] [client processes, default 4] [backends, default 1]
#        (needs: mvn package, npm ci --prefix src/test/node; an open-files limit above 2 per subscription)
# With several backends, each is a floor server behind its own route (/floor1, /floor2, ...) and client process p
# uses route ((p - 1) % backends) + 1: a held listen holds one connection of mcp-front's backend pool, which has
# at most 2,000 per backend host and edge verticle.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
subs="${1:-10000}"
procs="${2:-4}"
backends="${3:-1}"
jar=target/mcp-front.jar
[ -f "$jar" ] || { echo "build the jar first: mvn -q package -DskipTests" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)"

front_port=$(free_port)
floor_ports=(); floor_pids=()
for b in $(seq 1 "$backends"); do
  port=$(free_port); floor_ports+=("$port")
  node bench/floor-server.mjs "$port" >"$work/floor-$b.log" 2>&1 & pids+=($!); floor_pids+=($!)
done
cat >"$work/bench.yaml" <<YAML
oauth:
  issuer: "http://127.0.0.1:$front_port"
  allowed_domains: ["example.com"]
  identity: dev
  token_ttl: 1h
server:
  host: "127.0.0.1"
  port: $front_port
  max_sessions: $((subs * 2))
routes:
YAML
for b in $(seq 1 "$backends"); do
  printf '  - path: "/floor%s"\n    type: http\n    backend: "http://127.0.0.1:%s/mcp"\n    timeout: "1h"\n' \
    "$b" "${floor_ports[$((b - 1))]}" >>"$work/bench.yaml"
done
LOG_LEVEL=WARN java -jar "$jar" --config "$work/bench.yaml" >"$work/front.log" 2>&1 & pids+=($!)
front_pid=$!
for port in "${floor_ports[@]}"; do wait_port "$port"; done
wait_port "$front_port"
bearer="Authorization: Bearer $(node bench/token.mjs --issuer "http://127.0.0.1:$front_port" --access-only)"
url() { echo "http://127.0.0.1:$front_port/floor$(( ($1 - 1) % backends + 1 ))/mcp"; }

live() { jcmd "$front_pid" GC.class_histogram >"$work/histo-$1.txt"; awk '/^Total/ {print $3}' "$work/histo-$1.txt"; }
fds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
floor_fds() { local n=0 pid; for pid in "${floor_pids[@]}"; do n=$((n + $(fds "$pid"))); done; echo "$n"; }

machine
# Warm-up (what every later listen shares), then 10 s for the backend to close the pool's idle connections.
node bench/subscriptions.mjs --url "$(url 1)" --header "$bearer" --listens 200 --prefix w \
  --ready-file "$work/warm" --release-file "$work/warm" >"$work/warmup.json"
sleep 10
before=$(live before); fds_before=$(fds "$front_pid"); floor_fds_before=$(floor_fds)
[ -z "${HEAP_DUMP:-}" ] || jcmd "$front_pid" GC.heap_dump "$(realpath -m "${HEAP_DUMP%.hprof}-before.hprof")" >/dev/null

clients=()
for p in $(seq 1 "$procs"); do
  n=$(( subs / procs + (p <= subs % procs ? 1 : 0) ))
  node bench/subscriptions.mjs --url "$(url "$p")" --header "$bearer" --listens "$n" --prefix "p$p" \
    --ready-file "$work/ready-$p" --release-file "$work/release" >"$work/run-$p.json" & clients+=($!)
done
for p in $(seq 1 "$procs"); do while [ ! -f "$work/ready-$p" ]; do sleep 1; done; done
sleep 10
held=$(live held); fds_held=$(fds "$front_pid"); floor_fds_held=$(floor_fds)
# HEAP_DUMP=<file.hprof>: also dump the heap while held (and before, to <file>-before.hprof), for a dominator analysis.
[ -z "${HEAP_DUMP:-}" ] || jcmd "$front_pid" GC.heap_dump "$(realpath -m "$HEAP_DUMP")" >/dev/null
# One notification to every open listen, from the backend, through mcp-front.
reached=$(for port in "${floor_ports[@]}"; do curl -s -X POST "http://127.0.0.1:$port/notify"; done)
sleep 10
touch "$work/release"
for c in "${clients[@]}"; do wait "$c"; done
sleep 25
after=$(live after); fds_after=$(fds "$front_pid")

echo "## $subs idle 2026-07-28 subscriptions (subscriptions/listen) held on $backends HTTP route(s), $procs client processes"
cat "$work"/run-*.json
echo "backend's notify reached: $reached"
python3 - "$work" "$subs" "$before" "$held" "$after" "$fds_before" "$fds_held" "$fds_after" \
  "$floor_fds_before" "$floor_fds_held" <<'PY'
import sys, json, glob
work, n = sys.argv[1], int(sys.argv[2])
before, held, after, fb, fh, fa, bb, bh = map(int, sys.argv[3:11])
runs = [json.loads(open(f).read()) for f in sorted(glob.glob(f"{work}/run-*.json"))]
total = {k: sum(r[k] for r in runs) for k in ("opened", "acknowledged", "notified", "errors")}
print(f"opened {total['opened']}, acknowledged {total['acknowledged']}, notified {total['notified']}, "
      f"errors {total['errors']} of {n}")
held_n = max(total["opened"], 1)
open(f"{work}/held_n", "w").write(str(held_n))
print(f"live heap: before {before/1e6:.1f} MB, held {held/1e6:.1f} MB, after {after/1e6:.1f} MB")
print(f"heap per held subscription: {(held-before)/held_n/1024:.1f} KiB (over {held_n} opened"
      + (f"; {(held-before)/n/1024:.1f} KiB over all {n} connections held" if held_n != n else "")
      + f"); left after close: {(after-before)/1024:.0f} KiB")
print(f"mcp-front file descriptors: before {fb}, held {fh} ({(fh-fb)/held_n:.2f} per subscription), after {fa}; "
      f"the backends': before {bb}, held {bh}")
PY
bench/histo-growth.py "$work" "$(cat "$work/held_n")" subscription 20
