package org.mcpfront.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Our MCP server on the SDK v2 line ({@code src/test/node/modern-server.mjs}), which speaks revision
 * 2026-07-28, on a free loopback port or as a stdio command. It has {@code echo}, {@code confirm_action}
 * (elicitation) and every tool, prompt and resource the conformance suite's 2026-07-28 scenarios call.
 */
public final class ModernServer extends ChildProcess {

    /** Which protocol eras the server answers. */
    public enum Era {
        /** 2026-07-28 and 2025 clients; 2025 clients get sessions, so legacy elicitation works. */
        DUAL("dual"),
        /** Both eras the SDK's default way: 2025 requests served statelessly, no legacy elicitation. */
        DUAL_STATELESS("dual-stateless"),
        /** 2026-07-28 only: {@code initialize} is answered with -32022. */
        MODERN("modern");

        final String argument;

        Era(String argument) {
            this.argument = argument;
        }
    }

    private final int port;
    private final Era era;

    private ModernServer(Era era, int port, List<String> extraArgs) {
        super("modern-server-" + era.argument, command(era, "http", port, extraArgs), Map.of(), NodeTools.dir());
        this.port = port;
        this.era = era;
    }

    /** Starts the HTTP server; {@code extraArgs} may add {@code --check-host} (refuse non-localhost Host headers). */
    public static ModernServer start(Era era, String... extraArgs) {
        int port = FreePorts.next();
        return new ModernServer(era, port, List.of(extraArgs)).listeningOn(port);
    }

    public int port() {
        return port;
    }

    public Era era() {
        return era;
    }

    /** The MCP endpoint URL, as a route's {@code backend} names it. */
    public String url() {
        return "http://127.0.0.1:" + port + "/mcp";
    }

    /** The command a stdio route runs to serve this fixture on stdin/stdout, with absolute paths. */
    public static List<String> stdioCommand(Era era) {
        List<String> command = new ArrayList<>(command(era, "stdio", -1, List.of()));
        command.set(0, NodeTools.nodeExecutable().toString());
        return List.copyOf(command);
    }

    /** {@link #stdioCommand} as the YAML flow list a route's {@code command:} takes. */
    public static String stdioCommandYaml(Era era) {
        return stdioCommand(era).stream().map(part -> "\"" + part + "\"").collect(Collectors.joining(", ", "[", "]"));
    }

    private static List<String> command(Era era, String transport, int port, List<String> extraArgs) {
        NodeTools.module("@modelcontextprotocol/server");
        List<String> command = new ArrayList<>(List.of(
                NodeTools.node(),
                NodeTools.script("modern-server.mjs").toString(),
                "--era",
                era.argument,
                "--transport",
                transport));
        if (port >= 0) {
            command.addAll(List.of("--port", Integer.toString(port)));
        }
        command.addAll(extraArgs);
        return command;
    }
}
