package org.mcpfront.e2e;

/** Names and arguments of the server-everything tools the tests call (package version pinned in src/test/node). */
final class EverythingTools {

    static final String LONG_RUNNING = "trigger-long-running-operation";

    private EverythingTools() {}

    static String longRunningArguments(int durationSeconds, int steps) {
        return "{\"duration\":" + durationSeconds + ",\"steps\":" + steps + "}";
    }
}
