// What the latency scripts share: tools/call "echo" timed one call at a time, targets measured in
// interleaved blocks (A, B, A, B, ...) after each one's warm-up, so that machine noise and JIT warm-up
// hit all of them alike, and the percentiles reported per target.

/** One echo round trip in milliseconds; fails on anything but the expected answer. */
export async function timedEcho(client) {
  const started = process.hrtime.bigint();
  const result = await client.callTool({ name: "echo", arguments: { message: "ping" } });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (!result.content || result.content[0].text !== "Echo: ping") throw new Error("unexpected result " + JSON.stringify(result));
  return elapsed;
}

/**
 * Warms each session up, then measures all of them in interleaved blocks; each session gets its
 * samples in session.samples.
 */
export async function measureInterleaved(sessions, { calls, warmup, block }) {
  for (const session of sessions) {
    session.samples = [];
    for (let i = 0; i < warmup; i++) await timedEcho(session.client);
  }
  for (let done = 0; done < calls; done += block) {
    for (const session of sessions) {
      for (let i = 0; i < block && done + i < calls; i++) session.samples.push(await timedEcho(session.client));
    }
  }
}

function percentile(sorted, p) {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

const round = (x) => Math.round(x * 1000) / 1000;

/** The percentiles the latency plots draw (bench/plot.sh): the distribution, dense towards the tail. */
const CURVE = [1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 97, 98, 99, 99.5, 99.9];

/**
 * calls, p50/p90/p99/mean in milliseconds (three decimals) of one session's samples, and the latency at each
 * percentile of CURVE (`curve`: [percentile, ms] pairs) for the plots.
 */
export function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    calls: sorted.length,
    p50_ms: round(percentile(sorted, 50)),
    p90_ms: round(percentile(sorted, 90)),
    p99_ms: round(percentile(sorted, 99)),
    mean_ms: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    curve: CURVE.map((p) => [p, round(percentile(sorted, p))]),
  };
}

export { round };
