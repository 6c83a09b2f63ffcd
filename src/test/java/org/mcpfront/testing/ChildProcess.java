package org.mcpfront.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real process a test starts (an MCP server, the mcp-front jar), with its output in a log file,
 * and a stop that takes down its whole tree so nothing outlives the test.
 */
public class ChildProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    protected ChildProcess(String name, List<String> command, Map<String, String> env, Path workDir) {
        this.name = name;
        try {
            this.log = Files.createTempFile("mcp-front-test-" + name.replaceAll("[^A-Za-z0-9]", "_") + "-", ".log");
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            if (workDir != null) {
                builder.directory(workDir.toFile());
            }
            builder.environment().putAll(env);
            this.process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    /** How long {@link #listeningOn(int)} waits: enough for a lone process on a busy machine. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Waits until the process listens on {@code port}; if it does not, stops it and fails with its
     * output, which usually says why.
     */
    protected <T extends ChildProcess> T listeningOn(int port) {
        return listeningOn(port, DEFAULT_START_TIMEOUT);
    }

    /**
     * The same with the caller's deadline, for processes that do more before they listen (join a
     * cluster, load keys) or start next to others. Returns as soon as the port accepts connections.
     */
    protected <T extends ChildProcess> T listeningOn(int port, Duration timeout) {
        try {
            FreePorts.awaitListening(port, timeout, process);
        } catch (RuntimeException e) {
            close();
            throw new IllegalStateException(this + ": " + e.getMessage() + "; output:\n" + output(), e);
        }
        @SuppressWarnings("unchecked")
        T self = (T) this;
        return self;
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL now, the whole tree: simulates a crash. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(10));
    }

    /** SIGTERM, then SIGKILL after {@code grace}; returns the exit code. */
    public int stop(Duration grace) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        if (!waitFor(grace)) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(10));
        }
        children.forEach(ProcessHandle::destroyForcibly);
        return process.exitValue();
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop(Duration.ofSeconds(5));
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", log " + log + ")";
    }
}
