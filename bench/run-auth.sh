#!/usr/bin/env bash
# OAuth benchmark, in one run on this machine:
#  a. POST /token refresh-grant throughput: 8 concurrent chains, each rotating its own refresh token;
#  b. the edge's token check, AccessTokens.verify (RS256, memory store), in process, next to the bare
#     RSA signature check, and the cost of signing a token (AccessTokens.issue);
#  c. tools/call latency of server-everything (streamableHttp) through mcp-front with a valid token
#     against the same backend reached directly, so the whole added cost including auth shows.
# Usage: bench/run-auth.sh [refreshes] [calls]   (needs: mvn package, npm ci --prefix src/test/node)
# With BEFORE_AUTH_JAR=<jar of mcp-front built before bearer checks>, c also measures that build on
# the same backend, so that auth's share of the added latency is a difference within one run.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
refreshes="${1:-2000}"
calls="${2:-3000}"
chains=8
jar=target/mcp-front.jar
everything=src/test/node/node_modules/@modelcontextprotocol/server-everything/dist/index.js
[ -f "$jar" ] || { echo "build the jar first: mvn -q package -DskipTests" >&2; exit 1; }
[ -f "$everything" ] || { echo "install the Node packages first: npm ci --prefix src/test/node" >&2; exit 1; }

before_jar="${BEFORE_AUTH_JAR:-}"
[ -z "$before_jar" ] || [ -f "$before_jar" ] || { echo "BEFORE_AUTH_JAR $before_jar does not exist" >&2; exit 1; }

streamable_port=$(free_port); front_port=$(free_port); before_port=$(free_port)
issuer="http://127.0.0.1:$front_port"
PORT=$streamable_port node "$everything" streamableHttp >"$work/streamable.log" 2>&1 & pids+=($!)
cat >"$work/bench.yaml" <<YAML
oauth:
  issuer: "$issuer"
  allowed_domains: ["example.com"]
  identity: dev
  token_ttl: 1h
server:
  host: "127.0.0.1"
  port: $front_port
routes:
  - path: "/streamable"
    type: http
    backend: "http://127.0.0.1:$streamable_port/mcp"
YAML
wait_port "$streamable_port"
LOG_LEVEL=WARN java -jar "$jar" --config "$work/bench.yaml" >"$work/front.log" 2>&1 & pids+=($!)
wait_port "$front_port"
before_target=()
if [ -n "$before_jar" ]; then
  sed "s/$front_port/$before_port/g" "$work/bench.yaml" >"$work/before.yaml"
  LOG_LEVEL=WARN java -jar "$before_jar" --config "$work/before.yaml" >"$work/before.log" 2>&1 & pids+=($!)
  wait_port "$before_port"
  before_target=("front-before-auth=streamable:http://127.0.0.1:$before_port/streamable/mcp")
fi

machine
echo
echo "## a. /token refresh grant ($chains chains, $refreshes refreshes after 500 warm-up refreshes)"
node bench/refresh-load.mjs --issuer "$issuer" --chains "$chains" --refreshes "$refreshes" --warmup 500 | tee "$work/refresh.json"

echo
echo "## b. token check in process (AccessTokens.verify, RS256, memory store; batches of 50 after 20000 warm-up checks)"
java -cp "$jar" bench/TokenCheckBench.java 20000 400 50 | tee "$work/check.json"

echo
echo "## c. tools/call with a valid token ($calls calls per target after 1000 warm-up calls, interleaved blocks of 100)"
# The direct backend (and the build before auth) get the header too and ignore it, so every target
# sends the same bytes.
bearer="Authorization: Bearer $(node bench/token.mjs --issuer "$issuer" --access-only)"
node bench/latency.mjs --calls "$calls" --warmup 1000 --block 100 --header "$bearer" \
  "direct-streamable=streamable:http://127.0.0.1:$streamable_port/mcp" \
  "front-streamable=streamable:http://127.0.0.1:$front_port/streamable/mcp" "${before_target[@]}" | tee "$work/latency.json"

echo
# shellcheck disable=SC2016  # the ${...} are JavaScript template literals
node -e '
const [refresh, check, latency] = process.argv.slice(1).map((f) => JSON.parse(require("fs").readFileSync(f, "utf8")));
const ms = (us) => (us / 1000).toFixed(3);
const d = latency["direct-streamable"], f = latency["front-streamable"];
console.log("| measure | p50 | p99 | other |");
console.log("|---|---|---|---|");
console.log(`| /token refresh grant, ${refresh.chains} chains | ${refresh.p50_ms} ms | ${refresh.p99_ms} ms | ${refresh.req_per_s} req/s (${refresh.refreshes} refreshes) |`);
console.log(`| AccessTokens.verify (RS256), first check of a token | ${check.verify_p50_us} µs | ${check.verify_p99_us} µs | mean ${check.verify_mean_us} µs |`);
console.log(`| AccessTokens.verify, the same token again (signature already checked) | ${check.repeat_p50_us} µs | ${check.repeat_p99_us} µs | |`);
console.log(`| bare RSA signature check (JDK) | ${check.rsa_p50_us} µs | ${check.rsa_p99_us} µs | verify − RSA at p50: ${(check.verify_p50_us - check.rsa_p50_us).toFixed(2)} µs |`);
console.log(`| AccessTokens.issue (RS256 signing, in each /token answer) | ${check.issue_p50_us} µs | ${check.issue_p99_us} µs | |`);
console.log(`| tools/call direct (baseline) | ${d.p50_ms} ms | ${d.p99_ms} ms | |`);
console.log(`| tools/call through mcp-front, with token | ${f.p50_ms} ms | ${f.p99_ms} ms | added p50 +${(f.p50_ms - d.p50_ms).toFixed(3)} ms, p99 +${(f.p99_ms - d.p99_ms).toFixed(3)} ms, ratio ${(f.p50_ms / d.p50_ms).toFixed(2)} |`);
const b = latency["front-before-auth"];
if (b) {
  console.log(`| tools/call through mcp-front built before auth | ${b.p50_ms} ms | ${b.p99_ms} ms | added p50 +${(b.p50_ms - d.p50_ms).toFixed(3)} ms, p99 +${(b.p99_ms - d.p99_ms).toFixed(3)} ms |`);
  console.log(`| with token − before auth (same run) | ${(f.p50_ms - b.p50_ms).toFixed(3)} ms | ${(f.p99_ms - b.p99_ms).toFixed(3)} ms | |`);
}
console.log();
const met = check.verify_p50_us < 100 ? "met" : "missed";
console.log(`Target: auth adds under 0.1 ms at p50: ${met} (token check ${ms(check.verify_p50_us)} ms at p50, ${ms(check.verify_p99_us)} ms at p99).`);
' "$work/refresh.json" "$work/check.json" "$work/latency.json"
