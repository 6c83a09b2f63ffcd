package org.mcpfront.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The real {@code target/mcp-front.jar} in its own JVM, as a user runs it. */
public final class FrontProcess extends ChildProcess {

    private FrontProcess(List<String> command, Map<String, String> env, Path workDir) {
        super("mcp-front", command, env, workDir);
    }

    public static Path jar() {
        Path jar = Path.of(System.getProperty("mcpfront.jar", "target/mcp-front.jar"))
                .toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    "the jar " + jar + " is missing: run `mvn package` first (mvn verify does)");
        }
        return jar;
    }

    /** Starts {@code java -jar mcp-front.jar args...} with extra environment variables. */
    public static FrontProcess start(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar().toString()));
        command.addAll(List.of(args));
        return new FrontProcess(command, env, null);
    }

    /**
     * Starts a command line of the caller's making in {@code workDir}: the jar with JVM flags, as a
     * Dockerfile's ENTRYPOINT runs it.
     */
    public static FrontProcess startCommand(List<String> command, Map<String, String> env, Path workDir) {
        return new FrontProcess(command, env, workDir);
    }

    /** Waits until it listens on {@code port}; fails with its output if it exits or never does. */
    public FrontProcess awaitListening(int port) {
        return listeningOn(port);
    }

    /**
     * The same with the caller's deadline: a clustered instance listens only after it joined the
     * cluster and loaded its keys, which takes much longer when several start at once.
     */
    public FrontProcess awaitListening(int port, Duration timeout) {
        return listeningOn(port, timeout);
    }

    /** Waits for the process to exit and returns its exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process().waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw new AssertionError("mcp-front did not exit within " + timeout + "; output:\n" + output());
            }
            return process().exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
