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

    /** Null until the first stream: most sessions' answers are plain JSON, and sessions are many. */
    private Set<HttpClientResponse> reading;

    private boolean paused;

    /** Reads {@code response} from now on; paused at once if the session is. */
    void add(HttpClientResponse response) {
        if (reading == null) {
            reading = Collections.newSetFromMap(new IdentityHashMap<>(4));
        }
        reading.add(response);
        if (paused) {
            response.pause();
        }
    }

    /** {@code response} ended or broke. */
    void remove(HttpClientResponse response) {
        if (reading != null) {
            reading.remove(response);
        }
    }

    void pause() {
        if (!paused) {
            paused = true;
            if (reading != null) {
                reading.forEach(HttpClientResponse::pause);
            }
        }
    }

    void resume() {
        if (paused) {
            paused = false;
            if (reading != null) {
                reading.forEach(HttpClientResponse::resume);
            }
        }
    }
}
