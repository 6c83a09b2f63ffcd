package org.mcpfront.session;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a byte stream into UTF-8 lines (LF or CRLF). A line longer than the limit is dropped whole,
 * reported once, and reading resumes at the next line: one runaway write must not cost the gateway
 * its memory, nor desynchronise the stream.
 */
final class LineSplitter {

    /** What one chunk produced: complete lines, and how many over-long lines were dropped. */
    record Lines(List<String> lines, int dropped) {}

    private final int maxLineBytes;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream(1024);
    private boolean discarding;

    LineSplitter(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    /** Consumes everything in {@code buffer}. */
    Lines feed(ByteBuffer buffer) {
        List<String> lines = new ArrayList<>();
        int dropped = 0;
        while (buffer.hasRemaining()) {
            byte b = buffer.get();
            if (b == '\n') {
                if (discarding) {
                    discarding = false;
                } else {
                    lines.add(take());
                }
                continue;
            }
            if (discarding) {
                continue;
            }
            partial.write(b);
            if (partial.size() > maxLineBytes) {
                partial.reset();
                discarding = true;
                dropped++;
            }
        }
        return new Lines(lines, dropped);
    }

    /** The unterminated rest when the stream closes, if any. */
    String rest() {
        return discarding || partial.size() == 0 ? null : take();
    }

    private String take() {
        byte[] bytes = partial.toByteArray();
        partial.reset();
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
