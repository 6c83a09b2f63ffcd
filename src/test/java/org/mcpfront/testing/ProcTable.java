package org.mcpfront.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What Linux's /proc says about this JVM's child processes and open files. */
public final class ProcTable {

    /** One process: its pid, state letter (Z for a zombie) and command line. */
    public record Proc(long pid, char state, String command) {}

    private ProcTable() {}

    /** Processes whose parent is this JVM, zombies included. */
    public static List<Proc> children() {
        long self = ProcessHandle.current().pid();
        List<Proc> children = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                String stat = read(entry.resolve("stat"));
                if (stat == null) {
                    continue;
                }
                // pid (comm) state ppid ...; comm may hold spaces and parentheses, so cut at the last ')'.
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                if (Long.parseLong(fields[1]) == self) {
                    String cmdline = read(entry.resolve("cmdline"));
                    children.add(new Proc(
                            Long.parseLong(name),
                            fields[0].charAt(0),
                            cmdline == null ? "" : cmdline.replace('\0', ' ').trim()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return children;
    }

    public static boolean alive(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        return stat != null && stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    }

    /** Open file descriptors of this JVM. */
    public static int openFiles() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException gone) {
            return null;
        } catch (IOException e) {
            // A process that exits between listing and reading leaves an unreadable entry.
            return null;
        }
    }
}
