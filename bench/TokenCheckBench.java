import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.mcpfront.oauth.SigningKeys;
import org.mcpfront.oauth.grants.AccessTokens;
import org.mcpfront.storage.MemoryStore;

/**
 * The cost of the edge's token check: {@link AccessTokens#verify} of an RS256 access token against the
 * memory store, timed in batches after a warm-up. Two cases: a token's first check (signature,
 * claims, revocation list), which a fresh {@link AccessTokens} pays every time, and a repeated check
 * of the same token (its signature already checked; expiry and revocation list only), which is what
 * a client's second and later requests cost. Next to them the bare RSA signature check with the JDK,
 * which is the floor any JWT library pays on a first check. Signing a token
 * ({@link AccessTokens#issue}) is timed too, as it bounds the rate of {@code /token}.
 *
 * <p>Run with Java's source launcher against the shaded jar:
 * {@code java -cp target/mcp-front.jar bench/TokenCheckBench.java [warmup] [batches] [batch size]}.
 * Prints one JSON object; times are microseconds per check (a batch's time divided by its size).
 */
public final class TokenCheckBench {

    private static final String ISSUER = "http://127.0.0.1:9";

    /** A task timed by the caller; returns something derived from its work so it cannot be optimised away. */
    private interface Check {
        int run() throws Exception;
    }

    private TokenCheckBench() {}

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        int batchSize = args.length > 2 ? Integer.parseInt(args[2]) : 50;

        RSAKey rsa = new RSAKeyGenerator(2048)
                .keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.RS256)
                .generate();
        SigningKeys keys = SigningKeys.fromText(rsa.toJSONString());
        Vertx vertx = Vertx.vertx();
        try {
            MemoryStore store = new MemoryStore(vertx, 64L * 1024 * 1024);
            AccessTokens tokens = new AccessTokens(keys, ISSUER, Duration.ofHours(1), store, Clock.systemUTC());
            String token = tokens.issue(
                            "dev:bench@example.com", "bench@example.com", List.of(ISSUER), "bench-client", "mcp")
                    .token();

            Check verify = () -> claimsOf(
                    new AccessTokens(keys, ISSUER, Duration.ofHours(1), store, Clock.systemUTC()).verify(token));
            Check repeated = () -> claimsOf(tokens.verify(token));

            RSAPublicKey publicKey = rsa.toRSAPublicKey();
            int lastDot = token.lastIndexOf('.');
            byte[] signingInput = token.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII);
            byte[] signature = Base64.getUrlDecoder().decode(token.substring(lastDot + 1));
            Check rsaOnly = () -> {
                Signature check = Signature.getInstance("SHA256withRSA");
                check.initVerify(publicKey);
                check.update(signingInput);
                if (!check.verify(signature)) {
                    throw new IllegalStateException("the bare RSA check refused our own token");
                }
                return 1;
            };

            // Warm both up first so that neither is timed while the JIT still compiles the other.
            int sink = repeat(verify, warmup) + repeat(rsaOnly, warmup) + repeat(repeated, warmup);
            double[] verifyMicros = new double[batches];
            double[] rsaMicros = new double[batches];
            double[] repeatedMicros = new double[batches];
            // Interleaved batches, like the latency benchmarks: machine noise hits both alike.
            for (int b = 0; b < batches; b++) {
                long start = System.nanoTime();
                sink += repeat(verify, batchSize);
                long middle = System.nanoTime();
                sink += repeat(rsaOnly, batchSize);
                long end = System.nanoTime();
                sink += repeat(repeated, batchSize);
                long last = System.nanoTime();
                verifyMicros[b] = (middle - start) / 1000.0 / batchSize;
                rsaMicros[b] = (end - middle) / 1000.0 / batchSize;
                repeatedMicros[b] = (last - end) / 1000.0 / batchSize;
            }
            // Signing is some twenty times slower: fewer, smaller batches give a stable figure.
            Check issue = () -> tokens.issue(
                            "dev:bench@example.com", "bench@example.com", List.of(ISSUER), "bench-client", "mcp")
                    .token()
                    .length();
            sink += repeat(issue, 1000);
            double[] issueMicros = new double[100];
            for (int b = 0; b < issueMicros.length; b++) {
                long start = System.nanoTime();
                sink += repeat(issue, 10);
                issueMicros[b] = (System.nanoTime() - start) / 1000.0 / 10;
            }
            Arrays.sort(verifyMicros);
            Arrays.sort(rsaMicros);
            Arrays.sort(repeatedMicros);
            Arrays.sort(issueMicros);
            System.out.println(String.format(
                    Locale.ROOT,
                    "{\"checks\":%d,\"batch\":%d,\"warmup\":%d,\"token_bytes\":%d,"
                            + "\"verify_p50_us\":%.2f,\"verify_p99_us\":%.2f,\"verify_mean_us\":%.2f,"
                            + "\"repeat_p50_us\":%.2f,\"repeat_p99_us\":%.2f,"
                            + "\"rsa_p50_us\":%.2f,\"rsa_p99_us\":%.2f,\"issue_p50_us\":%.2f,\"issue_p99_us\":%.2f,\""
                            + "sink\":%d}",
                    batches * batchSize,
                    batchSize,
                    warmup,
                    token.length(),
                    percentile(verifyMicros, 50),
                    percentile(verifyMicros, 99),
                    mean(verifyMicros),
                    percentile(repeatedMicros, 50),
                    percentile(repeatedMicros, 99),
                    percentile(rsaMicros, 50),
                    percentile(rsaMicros, 99),
                    percentile(issueMicros, 50),
                    percentile(issueMicros, 99),
                    sink));
        } finally {
            vertx.close().await();
        }
    }

    private static int claimsOf(Future<AccessTokens.Claims> checked) {
        // The memory store answers synchronously; anything else would time a different thing.
        if (!checked.isComplete() || checked.failed()) {
            throw new IllegalStateException("verify did not succeed synchronously: " + checked.cause());
        }
        return checked.result().jti().length();
    }

    private static int repeat(Check check, int times) throws Exception {
        int sink = 0;
        for (int i = 0; i < times; i++) {
            sink += check.run();
        }
        return sink;
    }

    private static double percentile(double[] sorted, double p) {
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).sum() / values.length;
    }
}
