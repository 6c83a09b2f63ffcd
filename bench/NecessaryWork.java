import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mcpfront.oauth.SigningKeys;
import org.mcpfront.oauth.grants.AccessTokens;
import org.mcpfront.observability.LogEncoder;
import org.mcpfront.storage.MemoryStore;
import org.mcpfront.transport.JsonRpcMessage;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * What every call costs an MCP gateway that authenticates, reads and audits what it forwards, whatever its
 * design: the work a bare pass-through skips. Timed with mcp-front's own code, in-process, hot (the cheapest it
 * can be; inside a server that also does I/O, caches are colder):
 * <ul>
 *   <li>{@code token}: the bearer token checked again (signature already known; expiry and revocation only);</li>
 *   <li>{@code request}: the tools/call body parsed (method, id, tool name: what access rules and the audit
 *       need);</li>
 *   <li>{@code answer}: the backend's answer parsed (its id says which client stream it belongs to, its
 *       error which outcome to audit);</li>
 *   <li>{@code audit}: the audit line of the call encoded;</li>
 *   <li>{@code sse}: the answer framed as an SSE event with a resumable id.</li>
 * </ul>
 * The bodies are the ones {@code cpu-per-call.mjs} sends and {@code floor-server.mjs} answers. Usage:
 * {@code java -cp target/mcp-front.jar bench/NecessaryWork.java [warm-up] [batches] [batch size]}; prints one
 * JSON object, microseconds per call (p50 of interleaved batches) for each part and their sum.
 */
public final class NecessaryWork {

    private static final String ISSUER = "http://127.0.0.1:9";
    private static final String REQUEST = "{\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":"
            + "{\"message\":\"hello from the cpu benchmark\"}},\"jsonrpc\":\"2.0\",\"id\":1234}";
    private static final String ANSWER = "{\"jsonrpc\":\"2.0\",\"id\":1234,\"result\":{\"content\":[{\"type\":"
            + "\"text\",\"text\":\"Echo: hello from the cpu benchmark\"}]}}";

    private interface Part {
        int run() throws Exception;
    }

    private NecessaryWork() {}

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        int batchSize = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        Vertx vertx = Vertx.vertx();
        try {
            SigningKeys keys = SigningKeys.fromText(new RSAKeyGenerator(2048)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .generate()
                    .toJSONString());
            AccessTokens tokens = new AccessTokens(
                    keys, ISSUER, Duration.ofHours(1), new MemoryStore(vertx, 64L << 20), Clock.systemUTC());
            String token = tokens.issue(
                            "dev:bench@example.com", "bench@example.com", List.of(ISSUER), "bench-client", "mcp")
                    .token();
            LogEncoder encoder = new LogEncoder();
            Logger audit = (Logger) LoggerFactory.getLogger("audit");

            Map<String, Part> parts = new LinkedHashMap<>();
            parts.put("token", () -> tokens.verify(token).result().subject().length());
            parts.put(
                    "request",
                    () -> JsonRpcMessage.parseBody(REQUEST).get(0).method().length());
            parts.put("answer", () -> JsonRpcMessage.parse(ANSWER).idKey().length());
            parts.put("audit", () -> encoder.encode(toolCall(audit)).length);
            parts.put(
                    "sse",
                    () -> ("id: n-0123456789abcdefghijklmnopqrstu.pAbCdEfGhIjKl-1\nevent: message\ndata: " + ANSWER
                                    + "\n\n")
                            .getBytes(StandardCharsets.UTF_8)
                            .length);

            int sink = 0;
            for (Part part : parts.values()) {
                sink += repeat(part, warmup);
            }
            Map<String, double[]> micros = new LinkedHashMap<>();
            parts.keySet().forEach(name -> micros.put(name, new double[batches]));
            // Interleaved batches: machine noise hits every part alike.
            for (int b = 0; b < batches; b++) {
                for (Map.Entry<String, Part> part : parts.entrySet()) {
                    long start = System.nanoTime();
                    sink += repeat(part.getValue(), batchSize);
                    micros.get(part.getKey())[b] = (System.nanoTime() - start) / 1000.0 / batchSize;
                }
            }
            StringBuilder out = new StringBuilder("{");
            double sum = 0;
            for (Map.Entry<String, double[]> part : micros.entrySet()) {
                double[] sorted = part.getValue();
                Arrays.sort(sorted);
                double p50 = sorted[sorted.length / 2];
                sum += p50;
                out.append(String.format(Locale.ROOT, "\"%s_us\":%.2f,", part.getKey(), p50));
            }
            out.append(String.format(Locale.ROOT, "\"necessary_us\":%.2f,\"sink\":%d}", sum, sink));
            System.out.println(out);
        } finally {
            vertx.close().await();
        }
    }

    /** The audit line of one tools/call, with the fields {@code Audit.toolCall} gives it. */
    private static LoggingEvent toolCall(Logger audit) {
        LoggingEvent event = new LoggingEvent("audit", audit, Level.INFO, "tool call", null, null);
        event.setTimeStamp(System.currentTimeMillis());
        Object[][] pairs = {
            {"audit", true},
            {"event", "tool_call"},
            {"user", "bench@example.com"},
            {"client_id", "bench-client"},
            {"route", "/floor-2025"},
            {"session", "n-0123456789abcdefghijklmnopqrstu"},
            {"tool", "echo"},
            {"duration_ms", 1L},
            {"outcome", "ok"},
            {"era", "2025"},
            {"backend_era", "2025"},
            {"decision", "allowed"},
            {"rule", "default"}
        };
        for (Object[] pair : pairs) {
            event.addKeyValuePair(new KeyValuePair((String) pair[0], pair[1]));
        }
        return event;
    }

    private static int repeat(Part part, int times) throws Exception {
        int sink = 0;
        for (int i = 0; i < times; i++) {
            sink += part.run();
        }
        return sink;
    }
}
