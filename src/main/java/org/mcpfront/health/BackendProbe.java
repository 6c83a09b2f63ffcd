package org.mcpfront.health;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.protocol.Envelope;
import org.mcpfront.protocol.Era;
import org.mcpfront.protocol.Identity;
import org.mcpfront.protocol.ProtocolVersions;
import org.mcpfront.session.Backend;
import org.mcpfront.session.BackendHttp;
import org.mcpfront.session.BackendListener;
import org.mcpfront.session.Backends;
import org.mcpfront.transport.JsonRpcException;
import org.mcpfront.transport.JsonRpcMessage;

/**
 * One health probe of an HTTP route's backend, through the same transport code a session uses (so
 * the route's headers, URL and transport are exercised exactly as users' sessions will): a 2026-07-28
 * backend gets a {@code server/discover}; a 2025 backend a session of its own, {@code initialize},
 * {@code notifications/initialized}, {@code ping}, then that session is ended. No user is involved and
 * nothing of a user's is sent; a route with {@code credential:} whose backend answers 401 or 403 (it wants a
 * user's credential) counts as up.
 */
final class BackendProbe implements BackendListener {

    private static final String FIRST_ID = "mcp-front-health-1";
    private static final String SECOND_ID = "mcp-front-health-2";
    private static final String FIRST = JsonRpcMessage.idKeyOf(FIRST_ID);
    private static final String SECOND = JsonRpcMessage.idKeyOf(SECOND_ID);

    private final Vertx vertx;
    private final Promise<Void> outcome = Promise.promise();
    private final Backend backend;
    private final Era era;
    /** A route whose backend acts for each user with their own credential; the probe has none to send. */
    private final boolean perUserCredential;

    private String awaiting;

    private BackendProbe(Vertx vertx, BackendHttp http, RouteConfig route, Era era, String probeId) {
        this.perUserCredential = route.credential().isPresent();
        this.vertx = vertx;
        this.era = era;
        this.backend = Backends.forProbe(vertx, http, route, probeId, era).apply(this);
    }

    /** Probes {@code route}'s backend, speaking {@code era}; fails with the reason when it got no usable answer. */
    static Future<Void> run(
            Vertx vertx, BackendHttp http, RouteConfig route, Era era, String probeId, Duration timeout) {
        BackendProbe probe = new BackendProbe(vertx, http, route, era, probeId);
        long timer = vertx.setTimer(
                timeout.toMillis(), t -> probe.outcome.tryFail("no answer within " + timeout.toSeconds() + " s"));
        probe.start();
        return probe.outcome.future().andThen(ar -> {
            vertx.cancelTimer(timer);
            probe.backend.close();
        });
    }

    private void start() {
        backend.open().onComplete(opened -> {
            if (opened.failed()) {
                outcome.tryFail(opened.cause().getMessage());
                return;
            }
            if (era == Era.MODERN) {
                JsonObject params = Envelope.forClient(new JsonObject(), Identity.CLIENT_INFO, null)
                        .applyTo(null);
                request(FIRST_ID, "server/discover", params);
            } else {
                request(
                        FIRST_ID,
                        "initialize",
                        new JsonObject()
                                .put("protocolVersion", ProtocolVersions.LATEST_LEGACY)
                                .put("capabilities", new JsonObject())
                                .put("clientInfo", Identity.CLIENT_INFO));
            }
        });
    }

    private void request(String id, String method, JsonObject params) {
        awaiting = JsonRpcMessage.idKeyOf(id);
        JsonObject json = new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", method);
        if (params != null) {
            json.put("params", params);
        }
        backend.send(JsonRpcMessage.of(json));
    }

    @Override
    public void onMessage(String raw, String relatedIdKey) {
        JsonRpcMessage message;
        try {
            message = JsonRpcMessage.parse(raw);
        } catch (JsonRpcException e) {
            outcome.tryFail("the backend sent something that is not JSON-RPC: " + e.getMessage());
            return;
        }
        if (!message.isResponse() || !message.idKey().equals(awaiting)) {
            return;
        }
        JsonObject json = message.json();
        if (json.containsKey("error") && (era == Era.MODERN || FIRST.equals(awaiting))) {
            JsonObject error = json.getJsonObject("error", new JsonObject());
            outcome.tryFail("the backend refused " + (era == Era.MODERN ? "server/discover" : "initialize") + ": "
                    + error.getValue("code") + " " + error.getString("message", ""));
            return;
        }
        if (era == Era.MODERN || SECOND.equals(awaiting)) {
            // Any answer to ping, even an error, is a backend that is there and speaking MCP.
            outcome.tryComplete();
            return;
        }
        backend.protocolVersion(json.getJsonObject("result", new JsonObject())
                .getString("protocolVersion", ProtocolVersions.LATEST_LEGACY));
        backend.send(
                JsonRpcMessage.of(new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/initialized")));
        vertx.runOnContext(v -> request(SECOND_ID, "ping", null));
    }

    @Override
    public boolean awaitingResponse(String idKey) {
        return idKey.equals(awaiting) && !outcome.future().isComplete();
    }

    @Override
    public void onRequestFailed(String idKey, String reason) {
        if (perUserCredential && (reason.startsWith("HTTP 401") || reason.startsWith("HTTP 403"))) {
            // Without a user's credential such a backend refuses: it is there and answering, which is all we ask.
            outcome.tryComplete();
            return;
        }
        outcome.tryFail(reason);
    }

    @Override
    public void onInFlightLost(String reason) {
        outcome.tryFail(reason);
    }

    @Override
    public void onFailure(String kind, String reason) {
        outcome.tryFail(reason);
    }
}
