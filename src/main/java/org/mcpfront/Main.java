package org.mcpfront;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.mcpfront.config.ConfigException;
import org.mcpfront.config.ConfigFiles;
import org.mcpfront.config.ConfigParser;
import org.mcpfront.config.FrontConfig;
import org.mcpfront.config.RouteConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Command line: {@code java -jar mcp-front.jar [--config PATH]} runs mcp-front;
 * {@code java -jar mcp-front.jar validate [--config PATH]} only checks the file and exits 0 when it is
 * valid, 2 with every problem when it is not (for deployment pipelines). The config file comes from
 * {@code --config}, else {@code MCP_FRONT_CONFIG}, else {@code conf/mcp-front.yaml}. A config that does
 * not validate stops the program with exit code 2 before anything listens.
 */
public final class Main {

    static final String DEFAULT_CONFIG = "conf/mcp-front.yaml";
    private static final long SHUTDOWN_TIMEOUT_S = 30;

    private Main() {}

    public static void main(String[] args) {
        // mcp-front drains its stdio sessions itself on SIGTERM (grace, then SIGKILL, then reap);
        // NuProcess's own hook would kill them without grace and stop reaping in the middle.
        System.setProperty("com.zaxxer.nuprocess.enableShutdownHook", "false");
        boolean validateOnly = args.length > 0 && args[0].equals("validate");
        String[] options = validateOnly ? Arrays.copyOfRange(args, 1, args.length) : args;
        Path configFile;
        try {
            configFile = configPath(options, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("mcp-front: " + e.getMessage());
            System.err.println("usage: java -jar mcp-front.jar [validate] [--config PATH]");
            System.exit(64);
            return;
        }
        FrontConfig config;
        try {
            config = ConfigParser.parse(ConfigFiles.read(configFile), System.getenv());
        } catch (ConfigException e) {
            System.err.println("mcp-front: " + configFile + " is not a valid configuration:");
            e.problems().forEach(problem -> System.err.println("  " + problem));
            System.exit(2);
            return;
        }
        if (validateOnly) {
            System.out.println(
                    "mcp-front: " + configFile + " is valid (" + config.routes().size() + " routes)");
            return;
        }
        Logger log = LoggerFactory.getLogger(Main.class);
        McpFront.start(config, McpFront.Options.defaults(configFile, System.getenv()))
                .onSuccess(front -> {
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(front, log), "mcp-front-shutdown"));
                    log.atInfo()
                            .addKeyValue("config", configFile.toString())
                            .addKeyValue("address", "http://" + config.server().host() + ":" + front.port())
                            .addKeyValue(
                                    "routes",
                                    config.routes().stream()
                                            .map(RouteConfig::path)
                                            .collect(Collectors.joining(",")))
                            .log("mcp-front is listening");
                })
                .onFailure(e -> {
                    log.atError().setCause(e).log("mcp-front could not start");
                    System.exit(1);
                });
    }

    private static void shutdown(McpFront front, Logger log) {
        log.info("shutting down: draining sessions");
        try {
            front.stop().toCompletionStage().toCompletableFuture().get(SHUTDOWN_TIMEOUT_S, TimeUnit.SECONDS);
            log.info("stopped");
        } catch (Exception e) {
            log.atWarn().setCause(e).log("shutdown did not finish cleanly");
        }
    }

    static Path configPath(String[] args, Map<String, String> env) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--config")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--config needs a path");
                }
                return Path.of(args[i + 1]);
            }
            if (arg.startsWith("--config=")) {
                return Path.of(arg.substring("--config=".length()));
            }
            throw new IllegalArgumentException("unknown argument " + arg);
        }
        String fromEnv = env.get("MCP_FRONT_CONFIG");
        return Path.of(fromEnv == null || fromEnv.isBlank() ? DEFAULT_CONFIG : fromEnv);
    }
}
