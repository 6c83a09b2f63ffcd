package org.mcpfront.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Store} in Redis, shared by every instance of a cluster. Each value is a JSON string under
 * {@code mcp-front:<key>} with a millisecond TTL, so Redis expires it by itself; {@link #take} is
 * {@code GETDEL} (Redis 6.2+), which hands a single-use value to exactly one caller. A list is a Redis
 * list under {@code mcp-front:list:<key>}, appended, trimmed and given its lifetime in one script. A set of
 * leases is a sorted set under {@code mcp-front:lease:<key>} scored by each lease's expiry on Redis's own
 * clock (instances' clocks need not agree), pruned and counted in the script that adds to it.
 */
public final class RedisStore implements Store {

    private static final String PREFIX = "mcp-front:";
    private static final String LIST_PREFIX = PREFIX + "list:";
    private static final String LEASE_PREFIX = PREFIX + "lease:";
    private static final int MAX_POOL_SIZE = 16;
    private static final int MAX_WAITING = 1024;

    private final Redis redis;

    public RedisStore(Vertx vertx, String redisUrl) {
        this.redis = Redis.createClient(
                vertx,
                new RedisOptions()
                        .setConnectionString(redisUrl)
                        .setMaxPoolSize(MAX_POOL_SIZE)
                        .setMaxWaitingHandlers(MAX_WAITING));
    }

    @Override
    public Future<Void> put(String key, JsonObject value, Duration ttl) {
        return redis.send(Request.cmd(Command.SET)
                        .arg(PREFIX + key)
                        .arg(value.encode())
                        .arg("PX")
                        .arg(millis(ttl)))
                .mapEmpty();
    }

    @Override
    public Future<Boolean> putIfAbsent(String key, JsonObject value, Duration ttl) {
        return redis.send(Request.cmd(Command.SET)
                        .arg(PREFIX + key)
                        .arg(value.encode())
                        .arg("NX")
                        .arg("PX")
                        .arg(millis(ttl)))
                .map(response -> response != null);
    }

    @Override
    public Future<JsonObject> get(String key) {
        return redis.send(Request.cmd(Command.GET).arg(PREFIX + key)).map(RedisStore::json);
    }

    @Override
    public Future<JsonObject> take(String key) {
        return redis.send(Request.cmd(Command.GETDEL).arg(PREFIX + key)).map(RedisStore::json);
    }

    /** One script, so that a counter never exists without its expiry. */
    private static final String INCREMENT = "local n = redis.call('INCR', KEYS[1]) "
            + "if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n";

    @Override
    public Future<Long> increment(String key, Duration window) {
        return redis.send(Request.cmd(Command.EVAL)
                        .arg(INCREMENT)
                        .arg(1)
                        .arg(PREFIX + key)
                        .arg(millis(window)))
                .map(Response::toLong);
    }

    /** One script: a list never exists without its bound and its expiry, whoever appends. */
    private static final String APPEND = "redis.call('RPUSH', KEYS[1], ARGV[1]) "
            + "redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1) "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[3]) return 1";

    @Override
    public Future<Void> append(String key, String value, int keepLast, Duration ttl) {
        if (keepLast < 1) {
            throw new IllegalArgumentException("keepLast must be at least 1, was " + keepLast);
        }
        return redis.send(Request.cmd(Command.EVAL)
                        .arg(APPEND)
                        .arg(1)
                        .arg(LIST_PREFIX + key)
                        .arg(value)
                        .arg(keepLast)
                        .arg(millis(ttl)))
                .mapEmpty();
    }

    @Override
    public Future<List<String>> range(String key, int from) {
        return redis.send(Request.cmd(Command.LRANGE)
                        .arg(LIST_PREFIX + key)
                        .arg(Math.max(0, from))
                        .arg(-1))
                .map(response -> {
                    List<String> values = new ArrayList<>();
                    if (response != null) {
                        response.forEach(value -> values.add(value.toString()));
                    }
                    return values;
                });
    }

    /**
     * One script: expired leases go, then the lease is renewed or, with room, added; the set lives as long as its
     * longest lease.
     */
    private static final String LEASE = "local t = redis.call('TIME') "
            + "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) "
            + "local ttl = tonumber(ARGV[3]) "
            + "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now) "
            + "if not redis.call('ZSCORE', KEYS[1], ARGV[1]) "
            + "and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end "
            + "redis.call('ZADD', KEYS[1], now + ttl, ARGV[1]) "
            + "if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end return 1";

    @Override
    public Future<Boolean> lease(String key, String member, int max, Duration ttl) {
        return redis.send(Request.cmd(Command.EVAL)
                        .arg(LEASE)
                        .arg(1)
                        .arg(LEASE_PREFIX + key)
                        .arg(member)
                        .arg(max)
                        .arg(millis(ttl)))
                .map(response -> response.toLong() == 1);
    }

    @Override
    public Future<Void> release(String key, String member) {
        return redis.send(Request.cmd(Command.ZREM).arg(LEASE_PREFIX + key).arg(member))
                .mapEmpty();
    }

    @Override
    public Future<Void> delete(String key) {
        return redis.send(Request.cmd(Command.DEL).arg(PREFIX + key).arg(LIST_PREFIX + key))
                .mapEmpty();
    }

    @Override
    public Future<Void> ping() {
        return redis.send(Request.cmd(Command.PING)).mapEmpty();
    }

    @Override
    public Future<Void> close() {
        return redis.close();
    }

    private static long millis(Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, was " + ttl);
        }
        return ttl.toMillis();
    }

    private static JsonObject json(Response response) {
        return response == null ? null : new JsonObject(response.toString());
    }
}
