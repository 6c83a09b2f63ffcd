package org.mcpfront.config.reload;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.mcpfront.bus.Addresses;
import org.mcpfront.bus.LocalOnly;
import org.mcpfront.config.ConfigDiff;
import org.mcpfront.config.ConfigException;
import org.mcpfront.config.ConfigFiles;
import org.mcpfront.config.ConfigParser;
import org.mcpfront.config.FrontConfig;
import org.mcpfront.config.StartupSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload: reads the config file every poll interval and, when its content has changed and parses to
 * a different valid config, publishes the new {@link FrontConfig} on {@link Addresses#CONFIG_CHANGED}
 * (local only). Subscribers compare it with what they hold, e.g. with {@link ConfigDiff#between}.
 * <p>
 * An edit that does not validate is logged once, with every problem, and the running config stays.
 * Start-up settings (see {@link StartupSettings}: server host, port, health path and body limit, the
 * cluster, the token store) keep their running values in the published config and are logged as needing
 * a restart; the rest of the edit applies. The file is polled rather than watched because editors save in
 * many ways (in place, or a new file renamed over the old one) and file watching misses some of them on
 * some platforms and container mounts.
 */
public final class ConfigVerticle extends VerticleBase {

    private static final Logger log = LoggerFactory.getLogger(ConfigVerticle.class);
    private static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);
    /** Consecutive scans that find no file, or an empty one, before that is reported; one is an editor saving. */
    private static final int UNSETTLED_SCANS_REPORTED = 2;

    private final Path file;
    private final Map<String, String> env;
    private final long pollMillis;
    private FrontConfig current;
    /** The content of the last successful read, valid or not: unchanged content is not parsed or logged again. */
    private Buffer lastContent;
    /** The last read failure logged, so that a lasting failure is logged once. */
    private String lastFailure;

    private int unsettledScans;
    private long timer;
    private boolean stopped;

    /**
     * @param file        the config file
     * @param env         the environment that {@code ${VAR}} placeholders expand from
     * @param initial     the config the process started with (parsed from {@code file})
     * @param pollInterval how often the file is read
     */
    public ConfigVerticle(Path file, Map<String, String> env, FrontConfig initial, Duration pollInterval) {
        this.file = file;
        this.env = Map.copyOf(env);
        this.current = initial;
        this.pollMillis = Math.max(1, pollInterval.toMillis());
    }

    /** Polls every 500 ms. */
    public ConfigVerticle(Path file, Map<String, String> env, FrontConfig initial) {
        this(file, env, initial, DEFAULT_POLL_INTERVAL);
    }

    @Override
    public Future<?> start() {
        scheduleScan();
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        stopped = true;
        vertx.cancelTimer(timer);
        return Future.succeededFuture();
    }

    /** The next scan is scheduled when the previous one is done, so reads never pile up on a slow disk. */
    private void scheduleScan() {
        timer = vertx.setTimer(pollMillis, id -> scan());
    }

    private void scan() {
        vertx.fileSystem().readFile(file.toString()).onComplete(read -> {
            if (stopped) {
                return;
            }
            if (read.succeeded()) {
                examine(read.result());
            } else {
                unreadable(read.cause());
            }
            scheduleScan();
        });
    }

    private void examine(Buffer content) {
        lastFailure = null;
        if (content.length() == 0) {
            // An editor that saves in place truncates the file first: wait for the next scan.
            unsettled("config file is empty");
            return;
        }
        unsettledScans = 0;
        if (content.equals(lastContent)) {
            return;
        }
        lastContent = content;
        FrontConfig edited;
        try {
            edited = ConfigParser.parse(ConfigFiles.parse(content.getBytes(), file.toString()), env);
        } catch (ConfigException e) {
            log.atWarn()
                    .addKeyValue("file", file)
                    .addKeyValue("problems", e.problems().size())
                    .log("config edit rejected, the running configuration stays:\n  "
                            + String.join("\n  ", e.problems()));
            return;
        }
        apply(edited);
    }

    private void apply(FrontConfig edited) {
        List<String> restartNeeded = StartupSettings.changed(current, edited);
        if (!restartNeeded.isEmpty()) {
            log.atWarn()
                    .addKeyValue("file", file)
                    .addKeyValue("keys", String.join(",", restartNeeded))
                    .log("config edit changes " + String.join(", ", restartNeeded)
                            + ": that needs a restart; the rest of the edit applies now");
        }
        FrontConfig next = StartupSettings.keep(current, edited);
        if (next.equals(current)) {
            return;
        }
        ConfigDiff diff = ConfigDiff.between(current, next);
        current = next;
        log.atInfo()
                .addKeyValue("file", file)
                .addKeyValue("added", String.join(",", diff.added()))
                .addKeyValue("removed", String.join(",", diff.removed()))
                .addKeyValue("changed", String.join(",", diff.changed()))
                .addKeyValue("unchanged", diff.unchanged().size())
                .log(diff.routesChanged() ? "configuration reloaded" : "configuration reloaded, routes unchanged");
        // Logged first, so that the reload reads before whatever its subscribers log about it.
        LocalOnly.publish(vertx, Addresses.CONFIG_CHANGED, next);
    }

    private void unreadable(Throwable failure) {
        if (missing(failure)) {
            // Editors that save by renaming a new file over the old one leave a moment without a file;
            // that is not a removal of the config, so wait for the next scan.
            unsettled("config file is missing");
            return;
        }
        String reason = String.valueOf(failure.getMessage());
        if (!reason.equals(lastFailure)) {
            lastFailure = reason;
            log.atWarn()
                    .addKeyValue("file", file)
                    .addKeyValue("reason", reason)
                    .log("config file cannot be read; the running configuration stays");
        }
    }

    /** The file is missing or empty: normal for a moment while an editor saves, worth a warning if it lasts. */
    private void unsettled(String what) {
        unsettledScans++;
        if (unsettledScans == UNSETTLED_SCANS_REPORTED) {
            log.atWarn().addKeyValue("file", file).log(what + "; the running configuration stays");
        }
    }

    private static boolean missing(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof NoSuchFileException) {
                return true;
            }
        }
        return false;
    }
}
