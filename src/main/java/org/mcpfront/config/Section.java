package org.mcpfront.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One mapping of the raw config, read key by key with its key path ({@code routes[1].timeout}). Every
 * string is expanded from the environment first; a bad value is reported to {@link Problems} and read
 * as empty, so that reading goes on and finds every problem in one pass.
 * <p>
 * The value parsers passed in throw {@link IllegalArgumentException} with a message that quotes the
 * value ({@code "5x" is not a duration ...}); the key path is put in front here.
 */
final class Section {

    private final String path;
    private final JsonObject values;
    private final Map<String, String> env;
    private final Problems problems;

    Section(String path, JsonObject values, Map<String, String> env, Problems problems) {
        this.path = path;
        this.values = values;
        this.env = env;
        this.problems = problems;
    }

    String keyPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    void problem(String key, String message) {
        problems.add(keyPath(key), message);
    }

    /** The keys of this mapping, in the order written. */
    List<String> names() {
        return List.copyOf(values.fieldNames());
    }

    /** Whether {@code key} is present with a value other than null. */
    boolean has(String key) {
        return values.getValue(key) != null;
    }

    /** Whether nothing was reported for {@code key}, so a check that combines it with other keys makes sense. */
    boolean clean(String key) {
        return problems.clean(keyPath(key));
    }

    /** Reports every key that is not one of {@code known}, suggesting the closest known key. */
    void allowOnly(List<String> known) {
        for (String key : values.fieldNames()) {
            if (!known.contains(key)) {
                problem(key, "unknown key " + KeySuggestions.hint(key, known));
            }
        }
    }

    /** Reports each of {@code keys} that is present: they do not belong with the other settings. */
    void forbid(String why, String... keys) {
        for (String key : keys) {
            if (has(key)) {
                problem(key, why);
            }
        }
    }

    /** The string at {@code key}, expanded; empty if absent or bad. */
    Optional<String> string(String key) {
        return value(key, Function.identity());
    }

    /** The value at {@code key}, read as a string, expanded and given to {@code parser}; empty if absent or bad. */
    <T> Optional<T> value(String key, Function<String, T> parser) {
        return parsed(keyPath(key), values.getValue(key), parser);
    }

    /** Like {@link #value}, but a missing key is a problem; {@code hint} says what to put there. */
    <T> Optional<T> required(String key, String hint, Function<String, T> parser) {
        if (!has(key)) {
            problem(key, "is required (" + hint + ")");
            return Optional.empty();
        }
        return value(key, parser);
    }

    /** A list of values, each given to {@code parser}; {@code example} is shown when a single value was written. */
    <T> Optional<List<T>> list(String key, String example, Function<String, T> parser) {
        Object raw = values.getValue(key);
        if (raw == null) {
            return Optional.empty();
        }
        if (!(raw instanceof JsonArray array)) {
            problem(key, "must be a list, e.g. " + example);
            return Optional.empty();
        }
        List<T> items = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            element(keyPath(key) + "[" + i + "]", array.getValue(i), parser).ifPresent(items::add);
        }
        return clean(key) ? Optional.of(items) : Optional.empty();
    }

    /** A mapping of names to strings; {@code name} checks each name, {@code parser} each expanded value. */
    Optional<Map<String, String>> map(String key, Function<String, String> name, Function<String, String> parser) {
        Object raw = values.getValue(key);
        if (raw == null) {
            return Optional.empty();
        }
        if (!(raw instanceof JsonObject object)) {
            problem(key, "must be a mapping of names to values, e.g. { NAME: \"value\" }");
            return Optional.empty();
        }
        Map<String, String> entries = new LinkedHashMap<>();
        for (String entry : object.fieldNames()) {
            String entryPath = keyPath(key) + "." + entry;
            try {
                name.apply(entry);
            } catch (IllegalArgumentException e) {
                problems.add(entryPath, e.getMessage());
                continue;
            }
            element(entryPath, object.getValue(entry), parser).ifPresent(value -> entries.put(entry, value));
        }
        return clean(key) ? Optional.of(entries) : Optional.empty();
    }

    /** The nested mapping at {@code key}; empty if absent or not a mapping. */
    Optional<Section> section(String key) {
        Object raw = values.getValue(key);
        if (raw == null) {
            return Optional.empty();
        }
        if (!(raw instanceof JsonObject object)) {
            problem(key, "must be a mapping of keys to values, not " + describe(raw));
            return Optional.empty();
        }
        return Optional.of(new Section(keyPath(key), object, env, problems));
    }

    /** Whether {@code key} holds a mapping (and not a single value). */
    boolean isMapping(String key) {
        return values.getValue(key) instanceof JsonObject;
    }

    /** A variable of the environment the config is read in, for defaults that come from it. */
    Optional<String> environment(String name) {
        return Optional.ofNullable(env.get(name)).filter(value -> !value.isBlank());
    }

    /** The nested mapping at {@code key}, or an empty one so that every key in it takes its default. */
    Section sectionOrEmpty(String key) {
        return section(key).orElseGet(() -> new Section(keyPath(key), new JsonObject(), env, problems));
    }

    /** The list of mappings at {@code key} ({@code routes}); absent means none. {@code example} shows one item. */
    List<Section> sections(String key, String example) {
        Object raw = values.getValue(key);
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof JsonArray array)) {
            problem(key, "must be a list, e.g. [" + example + "]");
            return List.of();
        }
        List<Section> items = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String itemPath = keyPath(key) + "[" + i + "]";
            if (array.getValue(i) instanceof JsonObject object) {
                items.add(new Section(itemPath, object, env, problems));
            } else {
                problems.add(itemPath, "must be a mapping of keys to values, e.g. " + example);
            }
        }
        return items;
    }

    /** An item of a list or mapping: unlike an optional key, it cannot be left empty. */
    private <T> Optional<T> element(String keyPath, Object raw, Function<String, T> parser) {
        if (raw == null) {
            problems.add(keyPath, "has no value (write \"\" for an empty one)");
            return Optional.empty();
        }
        return parsed(keyPath, raw, parser);
    }

    private <T> Optional<T> parsed(String keyPath, Object raw, Function<String, T> parser) {
        if (raw == null) {
            return Optional.empty();
        }
        if (raw instanceof JsonObject || raw instanceof JsonArray) {
            problems.add(keyPath, "must be a single value, not " + describe(raw));
            return Optional.empty();
        }
        try {
            // Numbers and booleans are read as the text they were written as: "port: 8080" and
            // "port: ${PORT:-8080}" go through the same parser.
            String text = raw instanceof String string ? Placeholders.expand(string, env) : String.valueOf(raw);
            return Optional.of(parser.apply(text));
        } catch (IllegalArgumentException e) {
            problems.add(keyPath, e.getMessage());
            return Optional.empty();
        }
    }

    private static String describe(Object raw) {
        if (raw instanceof JsonObject) {
            return "a mapping";
        }
        if (raw instanceof JsonArray) {
            return "a list";
        }
        return raw instanceof String text
                ? Problems.quote(text)
                : String.valueOf(raw).toLowerCase(Locale.ROOT);
    }
}
