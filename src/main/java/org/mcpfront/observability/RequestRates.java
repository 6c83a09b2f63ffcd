package org.mcpfront.observability;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Requests answered per route in the last minute, for the status page: 60 one-second buckets per
 * route, each stamped with its second so that a stale bucket counts as empty. Lock-free; a count may
 * be off by a request racing a bucket's reuse, which a per-minute rate does not mind.
 */
final class RequestRates {

    private static final int SECONDS = 60;

    private final LongSupplier nowSeconds;
    private final Map<String, Buckets> routes = new ConcurrentHashMap<>();

    private static final class Buckets {
        private final AtomicLongArray counts = new AtomicLongArray(SECONDS);
        private final AtomicLongArray stamps = new AtomicLongArray(SECONDS);
    }

    RequestRates(LongSupplier nowSeconds) {
        this.nowSeconds = nowSeconds;
    }

    void record(String route) {
        Buckets buckets = routes.computeIfAbsent(route, r -> new Buckets());
        long now = nowSeconds.getAsLong();
        int slot = (int) Math.floorMod(now, (long) SECONDS);
        long stamp = buckets.stamps.get(slot);
        if (stamp != now && buckets.stamps.compareAndSet(slot, stamp, now)) {
            buckets.counts.set(slot, 0);
        }
        buckets.counts.incrementAndGet(slot);
    }

    /** Requests in the last 60 seconds, by route (routes with none left out). */
    Map<String, Long> lastMinute() {
        long now = nowSeconds.getAsLong();
        Map<String, Long> out = new TreeMap<>();
        routes.forEach((route, buckets) -> {
            long sum = 0;
            for (int i = 0; i < SECONDS; i++) {
                if (now - buckets.stamps.get(i) < SECONDS) {
                    sum += buckets.counts.get(i);
                }
            }
            if (sum > 0) {
                out.put(route, sum);
            }
        });
        return out;
    }
}
