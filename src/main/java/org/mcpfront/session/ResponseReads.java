package org.mcpfront.session;

import io.vertx.core.http.HttpClientResponse;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The response streams an HTTP backend is reading (SSE answers, the server stream), paused together
 * while a client of the session does not read: a paused response stops reading its connection, and
 * TCP holds the backend back, instead of mcp-front buffering what it sends.
 */
final class ResponseReads {

    private final Set<HttpClientResponse> reading = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean paused;

    /** Reads {@code response} from now on; paused at once if the session is. */
    void add(HttpClientResponse response) {
        reading.add(response);
        if (paused) {
            response.pause();
        }
    }

    /** {@code response} ended or broke. */
    void remove(HttpClientResponse response) {
        reading.remove(response);
    }

    void pause() {
        if (!paused) {
            paused = true;
            reading.forEach(HttpClientResponse::pause);
        }
    }

    void resume() {
        if (paused) {
            paused = false;
            reading.forEach(HttpClientResponse::resume);
        }
    }
}
