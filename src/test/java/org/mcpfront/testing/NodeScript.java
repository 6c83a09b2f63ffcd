package org.mcpfront.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one of the Node scripts in {@code src/test/node} to completion and returns what it printed. */
public final class NodeScript {

    /** What a finished script left behind. */
    public record Result(int exitCode, String stdout, String stderr) {

        /** The last line of stdout parsed as JSON: the scripts print one report object there. */
        public JsonObject report() {
            String[] lines = stdout.strip().split("\n");
            String last = lines[lines.length - 1];
            try {
                return new JsonObject(last);
            } catch (RuntimeException e) {
                throw new IllegalStateException(
                        "the script printed no JSON report; stdout:\n" + stdout + "\nstderr:\n" + stderr, e);
            }
        }
    }

    private NodeScript() {}

    public static Result run(Duration timeout, String node, String script, List<String> args) {
        NodeTools.modules();
        List<String> command = new ArrayList<>();
        command.add(node);
        command.add(NodeTools.script(script).toString());
        command.addAll(args);
        try {
            Path out = Files.createTempFile("node-out", ".txt");
            Path err = Files.createTempFile("node-err", ".txt");
            Process process = new ProcessBuilder(command)
                    .directory(NodeTools.dir().toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException(script + " did not finish within " + timeout + "; stdout:\n"
                        + Files.readString(out) + "\nstderr:\n" + Files.readString(err));
            }
            Result result = new Result(
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
