package org.mcpfront.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The SSE parser")
class SseParserTest {

    private final List<SseParser.Event> events = new ArrayList<>();
    private final SseParser parser = new SseParser(1024, events::add);

    private void feedBytewise(String text) {
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            parser.feed(Buffer.buffer(new byte[] {b}));
        }
    }

    @Test
    @DisplayName("reads events split at every possible byte, with LF, CRLF and CR line ends")
    void splitAnywhere() {
        feedBytewise("event: endpoint\r\ndata: /m?s=1\r\n\r\n: comment\n\nid: 7\rdata: {\"a\":\"é\"}\r\rdata:x\n\n");
        assertThat(events)
                .containsExactly(
                        new SseParser.Event("endpoint", "/m?s=1", null, null),
                        new SseParser.Event("message", "{\"a\":\"é\"}", "7", null),
                        new SseParser.Event("message", "x", null, null));
    }

    @Test
    @DisplayName("joins multi-line data with newlines and reads retry")
    void multiLine() {
        parser.feed(Buffer.buffer("retry: 2500\ndata: line one\ndata: line two\n\n"));
        assertThat(events).containsExactly(new SseParser.Event("message", "line one\nline two", null, 2500L));
    }

    @Test
    @DisplayName("a priming event (id, empty data) is reported so its id can resume the stream")
    void priming() {
        parser.feed(Buffer.buffer("id: abc\ndata:\n\n"));
        assertThat(events).containsExactly(new SseParser.Event("message", "", "abc", null));
    }

    @Test
    @DisplayName("an event over the size limit fails instead of growing memory")
    void oversized() {
        assertThatThrownBy(() -> parser.feed(Buffer.buffer("data: " + "x".repeat(2000))))
                .isInstanceOf(IllegalStateException.class);
    }
}
