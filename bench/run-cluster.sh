#!/usr/bin/env bash
# Cross-instance delivery cost (issue 5): tools/call latency of server-everything (streamableHttp)
# through a two-instance mcp-front cluster (Hazelcast on loopback, Redis storage), when the POST
# lands on the instance holding the session vs on the other one, plus the backend reached directly,
# all in one run (interleaved blocks) on this machine.
# Usage: bench/run-cluster.sh [calls]   (calls per part; needs: mvn package, npm ci --prefix src/test/node,
#        redis-server on the PATH)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
calls="${1:-3000}"
jar=target/mcp-front.jar
everything=src/test/node/node_modules/@modelcontextprotocol/server-everything/dist/index.js
[ -f "$jar" ] || { echo "build the jar first: mvn -q package -DskipTests" >&2; exit 1; }
[ -f "$everything" ] || { echo "install the Node packages first: npm ci --prefix src/test/node" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server is needed (apt-get install redis-server)" >&2; exit 1; }

redis_port=$(free_port); streamable_port=$(free_port); a_port=$(free_port); b_port=$(free_port)
hz_a=$(free_port); hz_b=$(free_port)
issuer="http://127.0.0.1:$a_port"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >"$work/redis.log" 2>&1 & pids+=($!)
PORT=$streamable_port node "$everything" streamableHttp >"$work/streamable.log" 2>&1 & pids+=($!)
# The default (loopback) Hazelcast setup joins every mcp-front on this machine under the cluster
# name "mcp-front", a ClusterIT running elsewhere included, which would both skew the numbers and
# disturb that test. The same loopback setup, in a file, under a cluster name and member ports of
# this run only.
cat >"$work/hazelcast.yaml" <<YAML
hazelcast:
  cluster-name: "mcp-front-bench-$$-$RANDOM"
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
        member-list: ["127.0.0.1:$hz_a", "127.0.0.1:$hz_b"]
YAML
# One file for both instances, as a deployment would have it; only the ports differ.
cat >"$work/cluster.yaml" <<YAML
oauth:
  issuer: "$issuer"
  allowed_domains: ["example.com"]
  # bench@example.com (token.mjs's user) reads the members in /ready's details.
  admins: ["bench@example.com"]
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
    backend: "http://127.0.0.1:$streamable_port/mcp"
YAML
wait_port "$redis_port"; wait_port "$streamable_port"
FRONT_PORT=$a_port LOG_LEVEL=WARN java -Dhz.port="$hz_a" -jar "$jar" --config "$work/cluster.yaml" >"$work/front-$a_port.log" 2>&1 & pids+=($!)
FRONT_PORT=$b_port LOG_LEVEL=WARN java -Dhz.port="$hz_b" -jar "$jar" --config "$work/cluster.yaml" >"$work/front-$b_port.log" 2>&1 & pids+=($!)

# Signed in through instance A; both instances accept the token (same issuer, key kept in Redis).
wait_port "$a_port"
bearer="Authorization: Bearer $(node bench/token.mjs --issuer "$issuer" --access-only)"

# Members seen by the instance on $1, from the cluster check of /ready's details, which need an
# admin's token (0 while not ready).
members() {
  { curl -s -H "$bearer" "http://127.0.0.1:$1/ready" || true; } | node -e '
    let text = ""; process.stdin.on("data", (c) => (text += c)).on("end", () => {
      try {
        const check = JSON.parse(text).checks.find((c) => c.id === "cluster");
        console.log(check?.data?.members?.length ?? 0);
      } catch { console.log(0); }
    });'
}
for port in "$a_port" "$b_port"; do
  seen=0
  for _ in $(seq 1 120); do
    seen=$(members "$port")
    [ "$seen" -ge 2 ] && break
    sleep 0.5
  done
  if [ "$seen" -ne 2 ]; then
    # The loopback cluster joins every mcp-front on this machine: another cluster running here
    # (a ClusterIT, another bench) would make the numbers meaningless.
    echo "instance on $port sees $seen cluster members, expected 2; its log:" >&2
    tail -20 "$work/front-$port.log" >&2
    exit 1
  fi
done

a="http://127.0.0.1:$a_port/remote/mcp"; b="http://127.0.0.1:$b_port/remote/mcp"
direct="http://127.0.0.1:$streamable_port/mcp"

machine
echo "calls per part: $calls (after 1000 warm-up calls each), interleaved blocks of 100"
# Session a lives on instance A, session b on B; each is called through its own instance (same)
# and through the other (cross), so a difference between the two JVMs cancels out. The direct
# backend gets the bearer header too and ignores it; it insists on Accept with both types and
# answers SSE, so the gateway is also measured that way (same-instance-sse) for a like-for-like
# baseline.
node bench/cluster-latency.mjs --calls "$calls" --warmup 1000 --block 100 --header "$bearer" \
  --session "a=$a" --session "b=$b" --session "d=$direct" \
  --accept-both same-instance-sse --accept-both direct \
  "same-instance=a@$a" "cross-instance=a@$b" "same-instance=b@$b" "cross-instance=b@$a" \
  "same-instance-sse=a@$a" "direct=d@$direct" | tee "$work/result.json"

echo
# shellcheck disable=SC2016  # the ${...} are JavaScript template literals
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const row = (name, base) => {
  const t = r[name], b = r[base];
  const d50 = (t.p50_ms - b.p50_ms).toFixed(3), d99 = (t.p99_ms - b.p99_ms).toFixed(3);
  const sign = (x) => (x.startsWith("-") ? x : "+" + x);
  console.log(`| ${name} | ${base} | ${t.p50_ms} | ${t.p99_ms} | ${t.mean_ms} | ${b.p50_ms} | ${b.p99_ms} | ${sign(d50)} | ${sign(d99)} |`);
};
console.log("| target | baseline | p50 ms | p99 ms | mean ms | base p50 | base p99 | added p50 | added p99 |");
console.log("|---|---|---|---|---|---|---|---|---|");
row("cross-instance", "same-instance");
row("same-instance", "direct");
row("same-instance-sse", "direct");
const added = r["cross-instance"].p50_ms - r["same-instance"].p50_ms;
console.log();
console.log(`Target: cross-instance adds at most 1 ms at p50: ${added <= 1 ? "met" : "missed"} (${added >= 0 ? "+" : ""}${added.toFixed(3)} ms).`);
' "$work/result.json"
