package org.mcpfront.protocol;

/**
 * The two eras of MCP. {@link #LEGACY} is every revision with the {@code initialize} handshake and
 * sessions (2024-11-05 to 2025-11-25); {@link #MODERN} is 2026-07-28 and later, where each request
 * stands alone and carries its version, client info and capabilities in {@code _meta}.
 */
public enum Era {
    LEGACY,
    MODERN;

    /** The label metrics and logs use: {@code 2025} or {@code 2026}. */
    public String label() {
        return this == LEGACY ? "2025" : "2026";
    }
}
