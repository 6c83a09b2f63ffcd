package org.mcpfront.observability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * One line per event. {@code LOG_FORMAT=json}: a JSON object with Google Cloud Logging's field names
 * ({@code severity}, {@code message}, {@code time}) plus {@code logger}, {@code thread}, every SLF4J
 * key-value pair and MDC entry as a field, and {@code stack_trace} for exceptions (Error Reporting
 * reads it). Otherwise readable text: time, level, logger, message, then {@code key=value} pairs.
 *
 * <p>Values of keys that name secrets are masked here as a second line of defence; code must not log
 * secrets in the first place.
 */
public final class LogEncoder extends EncoderBase<ILoggingEvent> {

    private static final Set<String> SECRET_KEYS = Set.of(
            "token",
            "authorization",
            "secret",
            "password",
            "client_secret",
            "refresh_token",
            "access_token",
            "code",
            "cookie",
            "code_verifier",
            "id_token");
    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter TEXT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final ThreadLocal<FormattedSecond> SECOND = ThreadLocal.withInitial(FormattedSecond::new);
    private static final byte[] NOTHING = new byte[0];

    private boolean json = "json".equalsIgnoreCase(System.getenv("LOG_FORMAT"));

    /** For tests and for logback.xml ({@code <json>true</json>}): overrides LOG_FORMAT. */
    public void setJson(boolean json) {
        this.json = json;
    }

    @Override
    public byte[] headerBytes() {
        return NOTHING;
    }

    @Override
    public byte[] footerBytes() {
        return NOTHING;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        String line = json ? json(event) : text(event);
        return line.getBytes(StandardCharsets.UTF_8);
    }

    static String severity(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> "ERROR";
            case Level.WARN_INT -> "WARNING";
            case Level.INFO_INT -> "INFO";
            default -> "DEBUG";
        };
    }

    private static boolean secret(String key) {
        // Keys are lower-case constants nearly always: no lower-casing (an allocation per pair) for those.
        if (SECRET_KEYS.contains(key)) {
            return true;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if ((c >= 'A' && c <= 'Z') || c > 0x7f) {
                return SECRET_KEYS.contains(key.toLowerCase(Locale.ROOT));
            }
        }
        return false;
    }

    private String json(ILoggingEvent event) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator gen = JSON.createGenerator(out)) {
            gen.writeStartObject();
            gen.writeStringField("severity", severity(event.getLevel()));
            gen.writeStringField("message", event.getFormattedMessage());
            gen.writeStringField("time", event.getInstant().toString());
            gen.writeStringField("logger", event.getLoggerName());
            gen.writeStringField("thread", event.getThreadName());
            if (event.getKeyValuePairs() != null) {
                for (KeyValuePair pair : event.getKeyValuePairs()) {
                    writeField(gen, pair.key, pair.value);
                }
            }
            for (Map.Entry<String, String> entry : event.getMDCPropertyMap().entrySet()) {
                writeField(gen, entry.getKey(), entry.getValue());
            }
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                gen.writeStringField("stack_trace", ThrowableProxyUtil.asString(thrown));
            }
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.append('\n').toString();
    }

    private static void writeField(JsonGenerator gen, String key, Object value) throws IOException {
        gen.writeFieldName(key);
        if (secret(key)) {
            gen.writeString("***");
        } else if (value instanceof Number number) {
            gen.writeNumber(number.toString());
        } else if (value instanceof Boolean bool) {
            gen.writeBoolean(bool);
        } else if (value == null) {
            gen.writeNull();
        } else {
            gen.writeString(value.toString());
        }
    }

    private String text(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(160);
        appendTime(line, event.getTimeStamp());
        line.append(' ');
        String level = event.getLevel().toString();
        line.append(level);
        for (int pad = level.length(); pad < 5; pad++) {
            line.append(' ');
        }
        line.append(' ');
        String logger = event.getLoggerName();
        line.append(logger.substring(logger.lastIndexOf('.') + 1)).append("  ");
        line.append(event.getFormattedMessage());
        if (event.getKeyValuePairs() != null) {
            for (KeyValuePair pair : event.getKeyValuePairs()) {
                appendPair(line, pair.key, pair.value);
            }
        }
        event.getMDCPropertyMap().forEach((key, value) -> appendPair(line, key, value));
        line.append('\n');
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(ThrowableProxyUtil.asString(thrown)).append('\n');
        }
        return line.toString();
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss.SSSZ}, the second formatted once per second and thread: a formatter call per
     * line was a visible part of every audited call.
     */
    private static void appendTime(StringBuilder line, long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        FormattedSecond cached = SECOND.get();
        if (cached.second != second) {
            cached.second = second;
            cached.text = TEXT_TIME.format(Instant.ofEpochSecond(second));
        }
        int millis = Math.floorMod(epochMillis, 1000);
        line.append(cached.text).append('.');
        if (millis < 100) {
            line.append('0');
        }
        if (millis < 10) {
            line.append('0');
        }
        line.append(millis).append('Z');
    }

    private static void appendPair(StringBuilder line, String key, Object value) {
        String text = secret(key) ? "***" : String.valueOf(value);
        line.append("  ").append(key).append('=');
        if (needsQuotes(text)) {
            line.append('"')
                    .append(text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"))
                    .append('"');
        } else {
            line.append(text);
        }
    }

    private static boolean needsQuotes(String text) {
        if (text.isEmpty()) {
            return true;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '"' || c == '=' || c < 0x20) {
                return true;
            }
        }
        return false;
    }

    /** Per thread: the epoch second last formatted, and its text. */
    private static final class FormattedSecond {
        private long second = Long.MIN_VALUE;
        private String text;
    }
}
