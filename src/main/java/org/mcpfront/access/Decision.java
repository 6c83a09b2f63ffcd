package org.mcpfront.access;

/**
 * What the access rules decided and which rule decided it, as an audit line cites it
 * ({@code access.tools[0] deny [delete_*]}, {@code access.users}, or {@code default} when no rule spoke).
 */
public record Decision(boolean allowed, String rule) {

    static final Decision ALLOWED_BY_DEFAULT = new Decision(true, "default");

    public String outcome() {
        return allowed ? "allowed" : "denied";
    }
}
