// Throughput of POST /token with the refresh_token grant: K chains run concurrently, each signed in
// once (its own client) and then rotating its own refresh token one request after another, as a
// client does; a refresh token is single use, so a chain cannot pipeline.
// Usage: node refresh-load.mjs --issuer URL [--chains K] [--refreshes N] [--warmup W]
//   N refreshes in total are timed, after W untimed ones (JIT warm-up), both split across chains.
// Prints one JSON object: req/s, p50/p90/p99/mean latency in milliseconds, and the counts.
import { signIn } from "./token.mjs";

function parseArgs(argv) {
  const options = { issuer: null, chains: 8, refreshes: 2000, warmup: 500 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--issuer") options.issuer = argv[++i].replace(/\/+$/, "");
    else if (arg === "--chains") options.chains = Number(argv[++i]);
    else if (arg === "--refreshes") options.refreshes = Number(argv[++i]);
    else if (arg === "--warmup") options.warmup = Number(argv[++i]);
    else throw new Error(`unknown argument: ${arg} (want --issuer URL [--chains K] [--refreshes N] [--warmup W])`);
  }
  if (!options.issuer) throw new Error("--issuer URL is required");
  return options;
}

async function refresh(issuer, chain) {
  const started = process.hrtime.bigint();
  const response = await fetch(`${issuer}/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: chain.refresh, client_id: chain.clientId }).toString(),
  });
  const body = await response.json();
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (response.status !== 200 || !body.access_token || !body.refresh_token) {
    throw new Error(`refresh failed: HTTP ${response.status} ${JSON.stringify(body)}`);
  }
  chain.refresh = body.refresh_token;
  return elapsed;
}

// Each chain takes its share of `total` so that the chains finish together.
async function runAll(issuer, chains, total, samples) {
  await Promise.all(chains.map(async (chain, index) => {
    const share = Math.floor(total / chains.length) + (index < total % chains.length ? 1 : 0);
    for (let i = 0; i < share; i++) {
      const elapsed = await refresh(issuer, chain);
      samples?.push(elapsed);
    }
  }));
}

function percentile(sorted, p) {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

const options = parseArgs(process.argv.slice(2));
const chains = [];
for (let i = 0; i < options.chains; i++) {
  const tokens = await signIn(options.issuer);
  chains.push({ clientId: tokens.client_id, refresh: tokens.refresh_token });
}
await runAll(options.issuer, chains, options.warmup, null);
const samples = [];
const started = process.hrtime.bigint();
await runAll(options.issuer, chains, options.refreshes, samples);
const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
const sorted = samples.sort((a, b) => a - b);
const round = (x) => Math.round(x * 1000) / 1000;
console.log(JSON.stringify({
  chains: options.chains,
  refreshes: sorted.length,
  req_per_s: Math.round((sorted.length / wallMs) * 1000),
  p50_ms: round(percentile(sorted, 50)),
  p90_ms: round(percentile(sorted, 90)),
  p99_ms: round(percentile(sorted, 99)),
  mean_ms: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
}));
