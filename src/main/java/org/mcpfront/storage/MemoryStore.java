package org.mcpfront.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A {@link Store} in this process's memory, for a single instance. Entries expire lazily on read and
 * are swept once a minute so that abandoned sign-ins do not accumulate. Values are copied in and out,
 * so callers never share mutable state with the store.
 */
public final class MemoryStore implements Store {

    private static final long SWEEP_INTERVAL_MS = 60_000;

    private record Entry(JsonObject value, long expiresAtNanos) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private final Vertx vertx;
    private final long sweeper;

    public MemoryStore(Vertx vertx) {
        this(vertx, System::nanoTime);
    }

    MemoryStore(Vertx vertx, LongSupplier clock) {
        this.vertx = vertx;
        this.clock = clock;
        this.sweeper = vertx.setPeriodic(SWEEP_INTERVAL_MS, id -> sweep());
    }

    @Override
    public Future<Void> put(String key, JsonObject value, Duration ttl) {
        entries.put(key, entry(value, ttl));
        return Future.succeededFuture();
    }

    @Override
    public Future<Boolean> putIfAbsent(String key, JsonObject value, Duration ttl) {
        Entry fresh = entry(value, ttl);
        long now = clock.getAsLong();
        boolean[] stored = {false};
        entries.compute(key, (k, existing) -> {
            if (existing == null || expired(existing, now)) {
                stored[0] = true;
                return fresh;
            }
            return existing;
        });
        return Future.succeededFuture(stored[0]);
    }

    @Override
    public Future<JsonObject> get(String key) {
        Entry entry = entries.get(key);
        if (entry == null || expired(entry, clock.getAsLong())) {
            return Future.succeededFuture(null);
        }
        return Future.succeededFuture(entry.value().copy());
    }

    @Override
    public Future<JsonObject> take(String key) {
        Entry entry = entries.remove(key);
        if (entry == null || expired(entry, clock.getAsLong())) {
            return Future.succeededFuture(null);
        }
        return Future.succeededFuture(entry.value());
    }

    @Override
    public Future<Void> delete(String key) {
        entries.remove(key);
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> ping() {
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> close() {
        vertx.cancelTimer(sweeper);
        entries.clear();
        return Future.succeededFuture();
    }

    private Entry entry(JsonObject value, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, was " + ttl);
        }
        return new Entry(value.copy(), clock.getAsLong() + ttl.toNanos());
    }

    private static boolean expired(Entry entry, long now) {
        return now - entry.expiresAtNanos() >= 0;
    }

    private void sweep() {
        long now = clock.getAsLong();
        entries.entrySet().removeIf(e -> expired(e.getValue(), now));
    }
}
