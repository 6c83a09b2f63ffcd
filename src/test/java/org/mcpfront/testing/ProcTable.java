package org.mcpfront.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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

    /**
     * Bytes the kernel holds in the send and receive queues of every TCP socket from or to one of {@code ports}
     * on this machine (both ends of a loopback connection are listed): what sits between processes, in no one's
     * memory but the kernel's.
     */
    public static long tcpQueued(int... ports) {
        long queued = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            String text = read(Path.of(table));
            if (text == null) {
                continue;
            }
            for (String line : text.lines().skip(1).toList()) {
                // sl local_address rem_address st tx_queue:rx_queue ...; addresses are HEXADDR:HEXPORT.
                String[] fields = line.trim().split("\\s+");
                int local = Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1), 16);
                int remote = Integer.parseInt(fields[2].substring(fields[2].indexOf(':') + 1), 16);
                boolean listening = "0A".equals(fields[3]);
                if (listening || Arrays.stream(ports).noneMatch(p -> p == local || p == remote)) {
                    continue;
                }
                String[] queues = fields[4].split(":");
                queued += Long.parseLong(queues[0], 16) + Long.parseLong(queues[1], 16);
            }
        }
        return queued;
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
