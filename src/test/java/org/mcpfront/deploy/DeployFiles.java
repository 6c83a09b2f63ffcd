package org.mcpfront.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mcpfront.config.ConfigException;
import org.mcpfront.config.ConfigFiles;
import org.mcpfront.config.ConfigParser;
import org.mcpfront.config.FrontConfig;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The repository's deployment files, read the way Docker, Compose and mcp-front read them. */
final class DeployFiles {

    static final Path DOCKERFILE = Path.of("Dockerfile");
    static final Path DOCKERIGNORE = Path.of(".dockerignore");
    static final Path DOCKER_DIR = Path.of("docker");
    static final Path COMPOSE = DOCKER_DIR.resolve("docker-compose.yml");
    static final Path CLUSTER_COMPOSE = DOCKER_DIR.resolve("docker-compose.cluster.yml");
    static final Path ENV_EXAMPLE = DOCKER_DIR.resolve(".env.example");

    /** What a user fills into .env.example before the first start: a Google OAuth client (values made up). */
    static final Map<String, String> GOOGLE_CLIENT =
            Map.of("GOOGLE_CLIENT_ID", "1234-abc.apps.googleusercontent.com", "GOOGLE_CLIENT_SECRET", "GOCSPX-example");

    /** {@code ${NAME}}, {@code ${NAME:-default}}, {@code ${NAME:?message}}; {@code $${} is an escape. */
    private static final Pattern VARIABLE = Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)");

    private static final Pattern ENV_LINE = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(.*)");

    private DeployFiles() {}

    /** A {@code .env} file as Compose reads it: {@code NAME=value} lines, {@code #} comments. */
    static Map<String, String> envFile(Path file) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            Matcher m = ENV_LINE.matcher(trimmed);
            if (!m.matches()) {
                throw new IllegalArgumentException(file + ": not NAME=value: " + line);
            }
            env.put(m.group(1), m.group(2));
        }
        return env;
    }

    /** The variables a file refers to with {@code ${...}}, outside comment lines. */
    static Set<String> variables(Path file) throws IOException {
        Set<String> names = new TreeSet<>();
        for (String line : Files.readAllLines(file)) {
            if (line.strip().startsWith("#")) {
                continue;
            }
            Matcher m = VARIABLE.matcher(line);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** A YAML document (a compose file, the Hazelcast config) as plain maps and lists. */
    static Map<String, Object> yaml(Path file) throws IOException {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
    }

    /** An mcp-front config, validated by mcp-front's own parser with {@code env}. */
    static FrontConfig frontConfig(Path file, Map<String, String> env) throws ConfigException {
        return ConfigParser.parse(ConfigFiles.read(file), env);
    }

    /** The environment of docker/.env.example, what the compose files hand to mcp-front. */
    static Map<String, String> exampleEnv() throws IOException {
        return envFile(ENV_EXAMPLE);
    }

    /** The repository file that the runtime stage's COPY puts at {@code containerPath}. */
    static Path repositoryFileAt(Dockerfile dockerfile, String containerPath) {
        Dockerfile.Copy copy = dockerfile
                .runtime()
                .copyTo(containerPath)
                .orElseThrow(() -> new AssertionError("no COPY in the runtime stage writes " + containerPath));
        if (copy.from() != null) {
            throw new AssertionError(containerPath + " comes from stage " + copy.from() + ", not from the repository");
        }
        return Path.of(copy.source());
    }

    /** The path {@code --config} names in the runtime stage's CMD. */
    static String defaultConfigPath(Dockerfile dockerfile) {
        List<String> cmd = dockerfile
                .runtime()
                .last("CMD")
                .orElseThrow(() -> new AssertionError("no CMD"))
                .execForm();
        int option = cmd.indexOf("--config");
        if (option < 0 || option + 1 >= cmd.size()) {
            throw new AssertionError("CMD " + cmd + " does not name a config with --config");
        }
        return cmd.get(option + 1);
    }
}
