package org.mcpfront.transport;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Incremental parser for a {@code text/event-stream} body (WHATWG HTML, "event stream
 * interpretation"): feed it chunks as they arrive, it calls back once per complete event. Lines end
 * with CR, LF or CRLF, possibly split across chunks.
 */
public final class SseParser {

    /** One dispatched event; {@code id} is null when the event carried none. */
    public record Event(String name, String data, String id, Long retryMillis) {}

    private final Consumer<Event> onEvent;
    private final int maxEventBytes;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final StringBuilder data = new StringBuilder();
    private String eventName;
    private String id;
    private Long retry;
    private boolean hasData;
    private boolean lastWasCr;
    private boolean firstLine = true;
    private int eventBytes;

    /**
     * @param maxEventBytes an event larger than this fails the stream instead of growing memory
     *                      without bound (a backend gone wrong must not take the gateway down)
     */
    public SseParser(int maxEventBytes, Consumer<Event> onEvent) {
        this.maxEventBytes = maxEventBytes;
        this.onEvent = onEvent;
    }

    /** Feeds the next chunk. */
    public void feed(Buffer chunk) {
        byte[] bytes = chunk.getBytes();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '\n' && lastWasCr) {
                lastWasCr = false;
                start = i + 1;
                continue;
            }
            lastWasCr = false;
            if (b == '\r' || b == '\n') {
                line.write(bytes, start, i - start);
                lastWasCr = b == '\r';
                endOfLine();
                start = i + 1;
            }
        }
        line.write(bytes, start, bytes.length - start);
        if (eventBytes + line.size() > maxEventBytes) {
            throw new IllegalStateException("event larger than " + maxEventBytes + " bytes");
        }
    }

    private void endOfLine() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (firstLine) {
            firstLine = false;
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
        }
        eventBytes += text.length();
        if (eventBytes > maxEventBytes) {
            throw new IllegalStateException("event larger than " + maxEventBytes + " bytes");
        }
        if (text.isEmpty()) {
            dispatch();
            return;
        }
        if (text.charAt(0) == ':') {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> eventName = value;
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    id = value;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
                    retry = Long.parseLong(value);
                }
            }
            default -> {
                // Unknown fields are ignored, as the event-stream format requires.
            }
        }
    }

    private void dispatch() {
        if (hasData || id != null) {
            onEvent.accept(new Event(eventName == null ? "message" : eventName, data.toString(), id, retry));
        }
        data.setLength(0);
        hasData = false;
        eventName = null;
        id = null;
        retry = null;
        eventBytes = 0;
    }
}
