package org.mcpfront.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads the YAML config file into a raw {@link JsonObject} for {@link ConfigParser}.
 * <p>
 * Loading is safe: only standard YAML tags, no Java types. Plain scalars follow YAML 1.2's core schema
 * without floats: {@code true}/{@code false}, decimal integers and {@code null} are typed, everything
 * else ({@code yes}, {@code on}, {@code 0755}, {@code 1.10}, dates) stays the string it looks like, so a
 * header or environment value is never silently turned into something else. Duplicate keys are errors.
 */
public final class ConfigFiles {

    private ConfigFiles() {}

    /** Reads and parses {@code file}; problems name the file. */
    public static JsonObject read(Path file) throws ConfigException {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e + ")");
        }
        return parse(content, file.toString());
    }

    /** Parses the bytes of a config file; {@code source} names it in problems. */
    public static JsonObject parse(byte[] content, String source) throws ConfigException {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(content))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(source + ": is not UTF-8 text");
        }
        Object document;
        try {
            document = yaml().load(text);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark();
            String where =
                    mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            throw new ConfigException(source + ": invalid YAML" + where + ": " + e.getProblem());
        } catch (YAMLException e) {
            throw new ConfigException(source + ": invalid YAML: " + e.getMessage());
        }
        if (document == null) {
            throw new ConfigException(source + ": is empty; it needs at least an oauth: section");
        }
        if (!(document instanceof Map<?, ?> map)) {
            throw new ConfigException(source + ": the top level must be a mapping of sections (oauth, routes, server, "
                    + "cluster), not " + kind(document));
        }
        return object(map, "");
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        // Yaml takes dumper options even when it only loads; this is the one constructor that takes a resolver.
        DumperOptions dumperOptions = new DumperOptions();
        return new Yaml(
                new SafeConstructor(options), new Representer(dumperOptions), dumperOptions, options, new CoreSchema());
    }

    private static JsonObject object(Map<?, ?> map, String path) throws ConfigException {
        JsonObject object = new JsonObject();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = String.valueOf(entry.getKey());
            object.put(key, value(entry.getValue(), path.isEmpty() ? key : path + "." + key));
        }
        return object;
    }

    private static Object value(Object value, String path) throws ConfigException {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Number) {
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            return object(map, path);
        }
        if (value instanceof List<?> list) {
            JsonArray array = new JsonArray();
            for (int i = 0; i < list.size(); i++) {
                array.add(value(list.get(i), path + "[" + i + "]"));
            }
            return array;
        }
        // Explicit tags such as !!timestamp, !!binary or !!set: nothing in the config takes them.
        throw new ConfigException(
                path + ": unsupported YAML value (" + kind(value) + "); quote it to make it a string");
    }

    private static String kind(Object value) {
        if (value instanceof List<?>) {
            return "a list";
        }
        if (value instanceof String) {
            return "text";
        }
        return "a " + value.getClass().getSimpleName();
    }

    /** Implicit typing of plain scalars, see the class comment. */
    private static final class CoreSchema extends Resolver {

        private static final Pattern BOOL = Pattern.compile("true|True|TRUE|false|False|FALSE");
        private static final Pattern INT = Pattern.compile("[-+]?(?:0|[1-9][0-9]*)");

        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.BOOL, BOOL, "tTfF", 10);
            addImplicitResolver(Tag.INT, INT, "-+0123456789", 30);
            addImplicitResolver(Tag.MERGE, MERGE, "<", 10);
            addImplicitResolver(Tag.NULL, NULL, "~nN\0", 10);
            addImplicitResolver(Tag.NULL, EMPTY, null, 10);
        }
    }
}
