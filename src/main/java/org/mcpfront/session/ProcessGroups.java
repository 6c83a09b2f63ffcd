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
    /** Linux's numbers (x86 and ARM alike). */
    static final int SIGCONT = 18;

    static final int SIGSTOP = 19;

    private interface LibC extends Library {
        int kill(int pid, int signal);
    }

    private static final LibC LIBC = Native.load("c", LibC.class);

    private ProcessGroups() {}

    /**
     * Sends {@code signal} to the group led by {@code leader}, and to the leader itself: in the first
     * moments after the spawn, {@code setsid} may not have made the group yet, and the leader alone
     * is then all there is to stop.
     */
    static void signal(int leader, int signal) {
        if (leader <= 1) {
            throw new IllegalArgumentException("refusing to signal process group " + leader);
        }
        LIBC.kill(-leader, signal);
        LIBC.kill(leader, signal);
    }
}
