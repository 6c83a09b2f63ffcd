package org.mcpfront.session;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Signals to whole process groups. A stdio route's command runs as the leader of its own group
 * (started through {@code setsid}), so one signal reaches everything it spawned, including the
 * children of {@code docker run} and grandchildren that outlive their parent.
 */
final class ProcessGroups {

    static final int SIGKILL = 9;
    static final int SIGTERM = 15;

    private interface LibC extends Library {
        int kill(int pid, int signal);
    }

    private static final LibC LIBC = Native.load("c", LibC.class);

    private ProcessGroups() {
    }

    /** Sends {@code signal} to every process in group {@code pgid}; false when the group is empty. */
    static boolean signal(int pgid, int signal) {
        if (pgid <= 1) {
            throw new IllegalArgumentException("refusing to signal process group " + pgid);
        }
        return LIBC.kill(-pgid, signal) == 0;
    }
}
