package org.mcpfront.deploy;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Just enough of a Dockerfile parser for the tests that check the repository's Dockerfile: instructions
 * with their line continuations joined and comments dropped, grouped into stages by {@code FROM}.
 */
final class Dockerfile {

    private final List<Stage> stages;

    private Dockerfile(List<Stage> stages) {
        this.stages = stages;
    }

    static Dockerfile read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    static Dockerfile parse(String text) {
        List<Stage> stages = new ArrayList<>();
        for (Instruction instruction : instructions(text)) {
            if (instruction.keyword().equals("FROM")) {
                List<String> words = instruction.words();
                String image = words.get(0);
                String name = words.size() >= 3 && words.get(1).equalsIgnoreCase("AS") ? words.get(2) : null;
                stages.add(new Stage(image, name, new ArrayList<>()));
            } else if (stages.isEmpty()) {
                if (!instruction.keyword().equals("ARG")) {
                    throw new IllegalArgumentException(instruction.keyword() + " before the first FROM");
                }
            } else {
                stages.get(stages.size() - 1).instructions().add(instruction);
            }
        }
        return new Dockerfile(stages);
    }

    private static List<Instruction> instructions(String text) {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder pending = null;
        for (String raw : text.split("\n", -1)) {
            String line = raw.strip();
            // Docker drops comment and empty lines, also in the middle of a continued instruction.
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean continues = line.endsWith("\\");
            String part = continues ? line.substring(0, line.length() - 1) : line;
            pending = pending == null
                    ? new StringBuilder(part)
                    : pending.append(' ').append(part);
            if (!continues) {
                instructions.add(Instruction.of(pending.toString()));
                pending = null;
            }
        }
        if (pending != null) {
            throw new IllegalArgumentException("the last instruction ends with a line continuation");
        }
        return instructions;
    }

    List<Stage> stages() {
        return stages;
    }

    /** The last stage: what the image runs. */
    Stage runtime() {
        return stages.get(stages.size() - 1);
    }

    /** One stage: its base image, its {@code AS} name (or null) and its instructions in order. */
    record Stage(String image, String name, List<Instruction> instructions) {

        List<Instruction> all(String keyword) {
            return instructions.stream()
                    .filter(i -> i.keyword().equals(keyword))
                    .toList();
        }

        /** The instruction that is in force: the last of its kind. */
        Optional<Instruction> last(String keyword) {
            List<Instruction> all = all(keyword);
            return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
        }

        int indexOf(Instruction instruction) {
            return instructions.indexOf(instruction);
        }

        /** Every {@code ENV} of the stage, later ones winning. */
        Map<String, String> env() {
            Map<String, String> env = new LinkedHashMap<>();
            for (Instruction instruction : all("ENV")) {
                List<String> words = shellWords(instruction.args());
                if (words.size() == 2 && !words.get(0).contains("=")) {
                    env.put(words.get(0), words.get(1));
                    continue;
                }
                for (String word : words) {
                    int equals = word.indexOf('=');
                    if (equals <= 0) {
                        throw new IllegalArgumentException(
                                "ENV " + instruction.args() + ": " + word + " is not NAME=value");
                    }
                    env.put(word.substring(0, equals), word.substring(equals + 1));
                }
            }
            return env;
        }

        /** The {@code COPY} that writes {@code containerPath} (as its destination, or into a destination directory). */
        Optional<Copy> copyTo(String containerPath) {
            return all("COPY").stream()
                    .map(Copy::of)
                    .filter(copy -> copy.destination().equals(containerPath)
                            || copy.destination().endsWith("/")
                                    && containerPath.equals(copy.destination()
                                            + Path.of(copy.source()).getFileName()))
                    .reduce((first, second) -> second);
        }
    }

    /** One instruction: its keyword in upper case and the rest of the line. */
    record Instruction(String keyword, String args) {

        static Instruction of(String line) {
            int space = line.indexOf(' ');
            return space < 0
                    ? new Instruction(line.toUpperCase(), "")
                    : new Instruction(
                            line.substring(0, space).toUpperCase(),
                            line.substring(space + 1).strip());
        }

        /** The arguments split at white space, {@code --flags} included. */
        List<String> words() {
            return List.of(args.split("\\s+"));
        }

        /** The {@code --name=value} flags that lead the arguments. */
        Map<String, String> flags() {
            Map<String, String> flags = new LinkedHashMap<>();
            for (String word : words()) {
                if (!word.startsWith("--")) {
                    break;
                }
                int equals = word.indexOf('=');
                flags.put(
                        equals < 0 ? word.substring(2) : word.substring(2, equals),
                        equals < 0 ? "" : word.substring(equals + 1));
            }
            return flags;
        }

        /** The arguments after the leading flags. */
        String afterFlags() {
            String rest = args;
            while (rest.startsWith("--")) {
                int space = rest.indexOf(' ');
                rest = space < 0 ? "" : rest.substring(space + 1).strip();
            }
            return rest;
        }

        /** {@code true} for the exec (JSON array) form. */
        boolean isExecForm() {
            return execFormOf(afterFlags()).isPresent();
        }

        /** The exec-form arguments; fails for the shell form, which runs under /bin/sh -c. */
        List<String> execForm() {
            return execFormOf(afterFlags())
                    .orElseThrow(() -> new AssertionError(
                            keyword + " " + args + " is in shell form, not exec form (a JSON array)"));
        }

        private static Optional<List<String>> execFormOf(String text) {
            if (!text.startsWith("[")) {
                return Optional.empty();
            }
            try {
                return Optional.of(
                        new JsonArray(text).stream().map(String.class::cast).toList());
            } catch (DecodeException | ClassCastException e) {
                return Optional.empty();
            }
        }
    }

    /** A {@code COPY [--from=stage] source destination}. */
    record Copy(String from, String source, String destination) {

        static Copy of(Instruction copy) {
            List<String> words = List.of(copy.afterFlags().split("\\s+"));
            if (words.size() != 2) {
                throw new IllegalArgumentException("COPY " + copy.args() + ": expected one source and one destination");
            }
            return new Copy(copy.flags().get("from"), words.get(0), words.get(1));
        }
    }

    /** White-space separated words; double quotes group and are removed. */
    private static List<String> shellWords(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (any) {
                    words.add(word.toString());
                    word.setLength(0);
                    any = false;
                }
            } else {
                word.append(c);
                any = true;
            }
        }
        if (any) {
            words.add(word.toString());
        }
        return words;
    }
}
