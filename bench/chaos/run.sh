#!/usr/bin/env bash
# Chaos run (issue 13): for a while (default 5 minutes), 50 TypeScript SDK clients (Streamable HTTP and
# legacy SSE, on an HTTP route and on a stdio route) call tools without pause through a load balancer
# with no affinity to a three-instance mcp-front cluster (Hazelcast on loopback, Redis), while every
# 20 s one instance and one backend (the HTTP backend, or one stdio process) are killed with SIGKILL
# and started again. Prints the clients' report: calls made and failed, sessions opened and lost,
# progress notifications duplicated, lost or out of order.
# Usage: bench/chaos/run.sh [seconds] [clients]   (needs: mvn package, npm ci --prefix src/test/node,
#        redis-server on the PATH; LOG_LEVEL=INFO CHAOS_LOGS=dir keeps the logs for a post-mortem)
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
seconds="${1:-300}"
clients="${2:-50}"
jar=target/mcp-front.jar
everything=src/test/node/node_modules/@modelcontextprotocol/server-everything/dist/index.js
[ -f "$jar" ] || { echo "build the jar first: mvn -q package -DskipTests" >&2; exit 1; }
[ -f "$everything" ] || { echo "install the Node packages first: npm ci --prefix src/test/node" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server is needed (apt-get install redis-server)" >&2; exit 1; }

redis_port=$(free_port); backend_port=$(free_port); lb_port=$(free_port)
ports=("$(free_port)" "$(free_port)" "$(free_port)")
hz=("$(free_port)" "$(free_port)" "$(free_port)")
issuer="http://127.0.0.1:$lb_port"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >"$work/redis.log" 2>&1 & pids+=($!)

# The HTTP backend, started again on its port after each kill.
backend_pid=""
start_backend() {
  PORT=$backend_port node "$everything" streamableHttp >>"$work/backend.log" 2>&1 &
  backend_pid=$!
  pids+=("$backend_pid")
}
start_backend

# A Hazelcast setup of this run only (see run-cluster.sh): loopback, fixed member ports, quick to
# notice a member that died.
cat >"$work/hazelcast.yaml" <<YAML
hazelcast:
  cluster-name: "mcp-front-chaos-$$-$RANDOM"
  properties:
    hazelcast.wait.seconds.before.join: "0"
    hazelcast.heartbeat.interval.seconds: "1"
    hazelcast.max.no.heartbeat.seconds: "10"
  network:
    port:
      port: \${hz.port}
      auto-increment: false
    interfaces:
      enabled: true
      interfaces: ["127.0.0.1"]
    join:
      auto-detection:
        enabled: false
      multicast:
        enabled: false
      tcp-ip:
        enabled: true
        member-list: ["127.0.0.1:${hz[0]}", "127.0.0.1:${hz[1]}", "127.0.0.1:${hz[2]}"]
YAML
cat >"$work/cluster.yaml" <<YAML
oauth:
  issuer: "$issuer"
  allowed_domains: ["example.com"]
  identity: dev
  token_ttl: 1h
  storage: redis
  redis_url: "redis://127.0.0.1:$redis_port"
server:
  host: "127.0.0.1"
  port: \${FRONT_PORT}
cluster:
  enabled: true
  hazelcast_config: "$work/hazelcast.yaml"
routes:
  - path: "/remote"
    type: http
    backend: "http://127.0.0.1:$backend_port/mcp"
    max_sessions: 1000
    max_sessions_per_user: 1000
  - path: "/local"
    type: stdio
    command: ["node", "$PWD/$everything", "stdio"]
    max_sessions: 1000
    max_sessions_per_user: 1000
YAML

front_pids=("" "" "")
start_front() {
  FRONT_PORT=${ports[$1]} LOG_LEVEL=${LOG_LEVEL:-WARN} java -Dhz.port="${hz[$1]}" -jar "$jar" --config "$work/cluster.yaml" \
    >>"$work/front-$1.log" 2>&1 &
  front_pids[$1]=$!
  pids+=("${front_pids[$1]}")
}
for i in 0 1 2; do start_front "$i"; done
node bench/chaos/balancer.mjs --listen "$lb_port" --to "${ports[0]},${ports[1]},${ports[2]}" >"$work/balancer.log" 2>&1 & pids+=($!)
# Three JVMs and Node starting at once take a while on a small machine: up to two minutes each.
wait_long() {
  for _ in $(seq 1 120); do (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 1; done
  echo "port $1 never opened" >&2
  return 1
}
for port in "$redis_port" "$backend_port" "$lb_port" "${ports[@]}"; do wait_long "$port"; done
# Give the members a moment to find each other before the clients come.
sleep 10
bearer="Authorization: Bearer $(node bench/token.mjs --issuer "$issuer" --access-only)"

machine
echo "chaos: $clients clients for $seconds s against 3 instances; every 20 s one instance and one backend get SIGKILL"
node bench/chaos/clients.mjs --base "http://127.0.0.1:$lb_port" --header "$bearer" --clients "$clients" \
  --seconds "$seconds" >"$work/report.json" 2>"$work/clients.log" &
clients_pid=$!
pids+=("$clients_pid")

kills=0
while kill -0 "$clients_pid" 2>/dev/null; do
  sleep 20
  kill -0 "$clients_pid" 2>/dev/null || break
  victim=$((RANDOM % 3))
  kill -9 "${front_pids[$victim]}" 2>/dev/null || true
  if [ $((RANDOM % 2)) -eq 0 ]; then
    kill -9 "$backend_pid" 2>/dev/null || true
    what="http backend"
  else
    stdio=$(pgrep -f "$everything stdio" | shuf -n 1 || true)
    if [ -n "$stdio" ]; then kill -9 "$stdio" 2>/dev/null || true; fi
    what="stdio process ${stdio:-none}"
  fi
  kills=$((kills + 1))
  echo "$(date -u +%T) kill $kills: instance $victim (port ${ports[$victim]}) and $what"
  sleep 1
  start_front "$victim"
  if ! kill -0 "$backend_pid" 2>/dev/null; then start_backend; fi
done
wait "$clients_pid" || true
echo "instances and backends killed: $kills each"
if [ ! -s "$work/report.json" ]; then
  echo "the clients left no report; their output:" >&2
  cat "$work/clients.log" >&2
  exit 1
fi
cat "$work/report.json"
echo
# CHAOS_LOGS=dir keeps the instances', backend's and clients' logs of the run there.
if [ -n "${CHAOS_LOGS:-}" ]; then mkdir -p "$CHAOS_LOGS" && cp "$work"/*.log "$CHAOS_LOGS"/; fi
# shellcheck disable=SC2016  # the ${...} are JavaScript template literals
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
console.log("| route, client transport | clients | calls | failed | sessions opened | sessions lost | progress calls | duplicated | lost | out of order |");
console.log("|---|---|---|---|---|---|---|---|---|---|");
for (const [name, g] of Object.entries(r)) {
  console.log(`| ${name} | ${g.clients} | ${g.calls} | ${g.failed} | ${g.sessionsOpened} | ${g.sessionsLost} | ${g.progressCalls} | ${g.progressDuplicated} | ${g.progressLost} | ${g.progressOutOfOrder} |`);
}
for (const [name, g] of Object.entries(r)) console.log(name, JSON.stringify(g.errors));
' "$work/report.json"
