package org.mcpfront.testing;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The transport × era matrix client ({@code src/test/node/matrix-client.mjs}): the official TypeScript
 * SDK v1 client (2025 era only) or the SDK v2 client with its version negotiation, run against a URL.
 *
 * <pre>{@code
 * MatrixClient.Report report = MatrixClient.to(url, MatrixClient.Kind.V2_AUTO).bearer().runPassing();
 * assertThat(report.era()).isEqualTo("modern");
 * }</pre>
 */
public final class MatrixClient {

    public enum Sdk {
        V1,
        V2
    }

    /**
     * SDK v2 only: {@code LEGACY} never probes, {@code AUTO} probes with server/discover, {@code PIN} demands
     * 2026-07-28.
     */
    public enum Negotiation {
        LEGACY,
        AUTO,
        PIN
    }

    /** {@code SSE} is the deprecated HTTP+SSE transport, 2025 era only. */
    public enum Transport {
        STREAMABLE,
        SSE
    }

    /** Which client: SDK, negotiation and transport. */
    public record Kind(Sdk sdk, Negotiation negotiation, Transport transport) {

        public static final Kind V1 = new Kind(Sdk.V1, Negotiation.LEGACY, Transport.STREAMABLE);
        public static final Kind V1_SSE = new Kind(Sdk.V1, Negotiation.LEGACY, Transport.SSE);
        public static final Kind V2_LEGACY = new Kind(Sdk.V2, Negotiation.LEGACY, Transport.STREAMABLE);
        public static final Kind V2_SSE = new Kind(Sdk.V2, Negotiation.LEGACY, Transport.SSE);
        public static final Kind V2_AUTO = new Kind(Sdk.V2, Negotiation.AUTO, Transport.STREAMABLE);
        public static final Kind V2_PIN = new Kind(Sdk.V2, Negotiation.PIN, Transport.STREAMABLE);

        /** Whether this client can speak 2026-07-28 at all. */
        public boolean speaksModern() {
            return sdk == Sdk.V2 && negotiation != Negotiation.LEGACY;
        }

        @Override
        public String toString() {
            return lower(sdk) + " " + lower(negotiation) + " " + lower(transport);
        }
    }

    /** What one run printed: its exit code and the JSON report (ok, era, protocolVersion, steps). */
    public record Report(int exitCode, JsonObject json, String stdout, String stderr) {

        public boolean ok() {
            return exitCode == 0 && json.getBoolean("ok", false);
        }

        /** {@code "modern"} or {@code "legacy"}, or null when the client never connected. */
        public String era() {
            return json.getString("era");
        }

        /** The negotiated protocol version, e.g. {@code 2026-07-28} or {@code 2025-11-25}. */
        public String protocolVersion() {
            return json.getString("protocolVersion");
        }

        /** One step's result ({@code ok}, {@code ms}, {@code error} or its details), or null if it never ran. */
        public JsonObject step(String name) {
            return json.getJsonObject("steps", new JsonObject()).getJsonObject(name);
        }

        /** The whole run, for assertion messages. */
        public String describe() {
            return "exit " + exitCode + "\nreport:\n" + json.encodePrettily() + "\nstderr:\n" + stderr;
        }
    }

    /** The options of one run, set fluently; {@link #run()} or {@link #runPassing()} starts it. */
    public static final class Run {
        private final String url;
        private final Kind kind;
        private final List<String> args = new ArrayList<>();
        private String steps;

        private Run(String url, Kind kind) {
            this.url = url;
            this.kind = kind;
        }

        /** Sends {@code Name: value} on every HTTP request. */
        public Run header(String name, String value) {
            args.addAll(List.of("--header", name + ": " + value));
            return this;
        }

        /** Sends the tests' bearer token ({@link TestTokens#bearer()}), as every mcp-front route needs. */
        public Run bearer() {
            return header("Authorization", TestTokens.bearer());
        }

        /**
         * The steps to run, from {@code connect, tools/list, tools/call, elicitation}, and {@code prompts/list,
         * resources/list, resources/templates/list, prompts/get, resources/read, list_changed} (connect always runs
         * first).
         */
        public Run steps(String... names) {
            steps = String.join(",", names);
            return this;
        }

        /** The tool the {@code tools/call} step calls (default {@code echo {"message":"matrix"}}). */
        public Run tool(String name, JsonObject arguments) {
            args.addAll(List.of("--tool", name, "--args", arguments.encode()));
            return this;
        }

        /** The tool the {@code elicitation} step calls (default {@code confirm_action}, or server-everything's). */
        public Run elicitTool(String name, JsonObject arguments) {
            args.addAll(List.of("--elicit-tool", name, "--elicit-args", arguments.encode()));
            return this;
        }

        /** The prompt the {@code prompts/get} step gets, and the resource the {@code resources/read} step reads. */
        public Run prompt(String name) {
            args.addAll(List.of("--prompt", name));
            return this;
        }

        /** The tool the {@code list_changed} step calls, after which a tools/list_changed must arrive. */
        public Run changesTool(String name) {
            args.addAll(List.of("--changes-tool", name));
            return this;
        }

        public Run resource(String uri) {
            args.addAll(List.of("--resource", uri));
            return this;
        }

        public Report run() {
            NodeTools.module(kind.sdk() == Sdk.V1 ? "@modelcontextprotocol/sdk" : "@modelcontextprotocol/client");
            List<String> command = new ArrayList<>(List.of(
                    "--url",
                    url,
                    "--sdk",
                    lower(kind.sdk()),
                    "--negotiation",
                    lower(kind.negotiation()),
                    "--transport",
                    lower(kind.transport())));
            if (steps != null) {
                command.addAll(List.of("--steps", steps));
            }
            command.addAll(args);
            NodeScript.Result result =
                    NodeScript.run(Duration.ofSeconds(100), NodeTools.node(), "matrix-client.mjs", command);
            return new Report(result.exitCode(), result.report(), result.stdout(), result.stderr());
        }

        /** Runs and fails with the whole report unless every step passed. */
        public Report runPassing() {
            Report report = run();
            if (!report.ok()) {
                throw new AssertionError("the " + kind + " client failed against " + url + ", " + report.describe());
            }
            return report;
        }
    }

    private MatrixClient() {}

    public static Run to(String url, Kind kind) {
        return new Run(url, kind);
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase();
    }
}
