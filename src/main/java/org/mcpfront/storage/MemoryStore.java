package org.mcpfront.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A {@link Store} in this process's memory, for a single instance. Entries expire lazily on read and
 * are swept once a minute so that abandoned sign-ins do not accumulate. Values are kept as JSON text,
 * which copies them in and out (callers never share mutable state with the store) and makes their
 * size known: the store holds at most {@code maxBytes} of keys and values, and refuses a write beyond
 * that with {@link StoreFullException}, so that what strangers can make it keep never grows the heap
 * without bound.
 */
public final class MemoryStore implements Store {

    private static final long SWEEP_INTERVAL_MS = 60_000;
    /** What an entry costs besides its text: the map node, the entry and the strings' headers. */
    private static final long ENTRY_OVERHEAD = 100;

    private record Entry(String json, long expiresAtNanos) {
        long size(String key) {
            return ENTRY_OVERHEAD + 2L * (key.length() + json.length());
        }
    }

    /** A list: its values, and what they cost. Replaced, never changed, so readers need no lock. */
    private record ListEntry(List<String> values, long bytes, long expiresAtNanos) {
        static long size(String key, String value) {
            return ENTRY_OVERHEAD + 2L * (key.length() + value.length());
        }
    }

    /** A set of leases: member → expiry. Replaced, never changed, so readers need no lock. */
    private record Leases(Map<String, Long> expiries, long bytes) {
        static long size(String key, String member) {
            return ENTRY_OVERHEAD + 2L * (key.length() + member.length());
        }

        long expiresAtNanos() {
            return expiries.values().stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
        }
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ListEntry> lists = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Leases> leases = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final long maxBytes;
    private final LongSupplier clock;
    private final Vertx vertx;
    private final long sweeper;

    public MemoryStore(Vertx vertx, long maxBytes) {
        this(vertx, maxBytes, System::nanoTime);
    }

    MemoryStore(Vertx vertx, long maxBytes, LongSupplier clock) {
        this.vertx = vertx;
        this.maxBytes = maxBytes;
        this.clock = clock;
        this.sweeper = vertx.setPeriodic(SWEEP_INTERVAL_MS, id -> sweep());
    }

    @Override
    public Future<Void> put(String key, JsonObject value, Duration ttl) {
        Entry fresh = entry(value.encode(), ttl);
        if (!room(key, fresh)) {
            return Future.failedFuture(new StoreFullException(maxBytes));
        }
        replaced(key, entries.put(key, fresh), fresh);
        return Future.succeededFuture();
    }

    @Override
    public Future<Boolean> putIfAbsent(String key, JsonObject value, Duration ttl) {
        Entry fresh = entry(value.encode(), ttl);
        if (!room(key, fresh)) {
            return Future.failedFuture(new StoreFullException(maxBytes));
        }
        long now = clock.getAsLong();
        Entry[] replaced = {null};
        boolean[] stored = {false};
        entries.compute(key, (k, existing) -> {
            if (existing == null || expired(existing, now)) {
                replaced[0] = existing;
                stored[0] = true;
                return fresh;
            }
            return existing;
        });
        if (stored[0]) {
            replaced(key, replaced[0], fresh);
        }
        return Future.succeededFuture(stored[0]);
    }

    @Override
    public Future<JsonObject> get(String key) {
        Entry entry = entries.get(key);
        if (entry == null || expired(entry, clock.getAsLong())) {
            return Future.succeededFuture(null);
        }
        return Future.succeededFuture(new JsonObject(entry.json()));
    }

    @Override
    public Future<JsonObject> take(String key) {
        Entry entry = entries.remove(key);
        replaced(key, entry, null);
        if (entry == null || expired(entry, clock.getAsLong())) {
            return Future.succeededFuture(null);
        }
        return Future.succeededFuture(new JsonObject(entry.json()));
    }

    @Override
    public Future<Long> increment(String key, Duration window) {
        Entry first = entry("1", window);
        if (!room(key, first)) {
            return Future.failedFuture(new StoreFullException(maxBytes));
        }
        long now = clock.getAsLong();
        Entry[] before = {null};
        Entry counted = entries.compute(key, (k, existing) -> {
            before[0] = existing;
            if (existing == null || expired(existing, now)) {
                return first;
            }
            return new Entry(Long.toString(Long.parseLong(existing.json()) + 1), existing.expiresAtNanos());
        });
        replaced(key, before[0], counted);
        return Future.succeededFuture(Long.parseLong(counted.json()));
    }

    @Override
    public Future<Void> append(String key, String value, int keepLast, Duration ttl) {
        if (keepLast < 1) {
            throw new IllegalArgumentException("keepLast must be at least 1, was " + keepLast);
        }
        long expiresAt = entry("", ttl).expiresAtNanos();
        long added = ListEntry.size(key, value);
        if (bytes.get() + added > maxBytes) {
            sweep();
            if (bytes.get() + added > maxBytes) {
                return Future.failedFuture(new StoreFullException(maxBytes));
            }
        }
        long now = clock.getAsLong();
        long[] delta = {0};
        lists.compute(key, (k, existing) -> {
            ArrayDeque<String> values = new ArrayDeque<>();
            long size = 0;
            if (existing != null && now - existing.expiresAtNanos() < 0) {
                values.addAll(existing.values());
                size = existing.bytes();
            }
            delta[0] = -(existing == null ? 0 : existing.bytes());
            values.addLast(value);
            size += added;
            while (values.size() > keepLast) {
                size -= ListEntry.size(key, values.pollFirst());
            }
            delta[0] += size;
            return new ListEntry(List.copyOf(values), size, expiresAt);
        });
        bytes.addAndGet(delta[0]);
        return Future.succeededFuture();
    }

    @Override
    public Future<List<String>> range(String key, int from) {
        ListEntry list = lists.get(key);
        if (list == null || clock.getAsLong() - list.expiresAtNanos() >= 0) {
            return Future.succeededFuture(List.of());
        }
        List<String> values = list.values();
        return Future.succeededFuture(values.subList(Math.min(values.size(), Math.max(0, from)), values.size()));
    }

    @Override
    public Future<Boolean> lease(String key, String member, int max, Duration ttl) {
        long expiresAt = entry("", ttl).expiresAtNanos();
        long added = Leases.size(key, member);
        if (bytes.get() + added > maxBytes) {
            sweep();
            if (bytes.get() + added > maxBytes) {
                return Future.failedFuture(new StoreFullException(maxBytes));
            }
        }
        long now = clock.getAsLong();
        long[] delta = {0};
        boolean[] held = {false};
        leases.compute(key, (k, existing) -> {
            Map<String, Long> live = new HashMap<>();
            if (existing != null) {
                existing.expiries().forEach((m, expiry) -> {
                    if (now - expiry < 0) {
                        live.put(m, expiry);
                    }
                });
            }
            held[0] = live.containsKey(member) || live.size() < max;
            if (held[0]) {
                live.put(member, expiresAt);
            }
            long size =
                    live.keySet().stream().mapToLong(m -> Leases.size(key, m)).sum();
            delta[0] = size - (existing == null ? 0 : existing.bytes());
            return live.isEmpty() ? null : new Leases(Map.copyOf(live), size);
        });
        bytes.addAndGet(delta[0]);
        return Future.succeededFuture(held[0]);
    }

    @Override
    public Future<Void> release(String key, String member) {
        long[] delta = {0};
        leases.computeIfPresent(key, (k, existing) -> {
            if (!existing.expiries().containsKey(member)) {
                return existing;
            }
            Map<String, Long> rest = new HashMap<>(existing.expiries());
            rest.remove(member);
            long freed = Leases.size(key, member);
            delta[0] = -freed;
            return rest.isEmpty() ? null : new Leases(Map.copyOf(rest), existing.bytes() - freed);
        });
        bytes.addAndGet(delta[0]);
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> delete(String key) {
        replaced(key, entries.remove(key), null);
        ListEntry list = lists.remove(key);
        if (list != null) {
            bytes.addAndGet(-list.bytes());
        }
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
        lists.clear();
        leases.clear();
        bytes.set(0);
        return Future.succeededFuture();
    }

    /** The bytes held now: keys and values, with a rough allowance per entry. */
    long bytes() {
        return bytes.get();
    }

    private Entry entry(String json, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, was " + ttl);
        }
        return new Entry(json, clock.getAsLong() + ttl.toNanos());
    }

    /**
     * Whether {@code fresh} fits; a full store first drops what has expired. Concurrent writers may overshoot a little.
     */
    private boolean room(String key, Entry fresh) {
        if (bytes.get() + fresh.size(key) <= maxBytes) {
            return true;
        }
        sweep();
        return bytes.get() + fresh.size(key) <= maxBytes;
    }

    private void replaced(String key, Entry old, Entry fresh) {
        bytes.addAndGet((fresh == null ? 0 : fresh.size(key)) - (old == null ? 0 : old.size(key)));
    }

    private static boolean expired(Entry entry, long now) {
        return now - entry.expiresAtNanos() >= 0;
    }

    private void sweep() {
        long now = clock.getAsLong();
        entries.forEach((key, entry) -> {
            if (expired(entry, now) && entries.remove(key, entry)) {
                replaced(key, entry, null);
            }
        });
        lists.forEach((key, list) -> {
            if (now - list.expiresAtNanos() >= 0 && lists.remove(key, list)) {
                bytes.addAndGet(-list.bytes());
            }
        });
        leases.forEach((key, set) -> {
            if (now - set.expiresAtNanos() >= 0 && leases.remove(key, set)) {
                bytes.addAndGet(-set.bytes());
            }
        });
    }
}
