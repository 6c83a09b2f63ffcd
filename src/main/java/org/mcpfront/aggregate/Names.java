package org.mcpfront.aggregate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The names an aggregate gives its members' tools and prompts: {@code <member>_<name>}, where the member is
 * the route path without its slash (inner slashes and anything else outside {@code [a-zA-Z0-9_-]} become
 * {@code _}). Claude accepts only tool names matching {@code ^[a-zA-Z0-9_-]{1,64}$}; a name that would not
 * (too long, or with other characters) is cut to 55 characters and ends in {@code _} and 8 hex digits of a
 * SHA-256 over the member and the original name, so it is the same on every list and every instance, and
 * two originals that look alike once cut still differ.
 */
final class Names {

    /** The longest name Claude accepts. */
    static final int MAX = 64;

    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    private static final Pattern INVALID_CHARACTER = Pattern.compile("[^a-zA-Z0-9_-]");
    private static final int HASH_HEX = 8;
    private static final int KEPT = MAX - HASH_HEX - 1;

    private Names() {}

    /** A member's name in prefixes: {@code /finance} → {@code finance}, {@code /team/docs} → {@code team_docs}. */
    static String member(String routePath) {
        String name = routePath.startsWith("/") ? routePath.substring(1) : routePath;
        return INVALID_CHARACTER.matcher(name).replaceAll("_");
    }

    /** Whether Claude accepts {@code name} as a tool name. */
    static boolean valid(String name) {
        return VALID.matcher(name).matches();
    }

    /** {@code <member>_<name>}, or its shortened form when that is not a valid name. */
    static String prefixed(String member, String name) {
        String plain = member + "_" + name;
        return valid(plain) ? plain : shortened(member, name);
    }

    /**
     * The shortened form: the prefixed name with invalid characters replaced, cut to 55 characters, then
     * {@code _} and 8 hex digits of a hash of {@code member} and {@code name}.
     */
    static String shortened(String member, String name) {
        String cleaned = INVALID_CHARACTER.matcher(member + "_" + name).replaceAll("_");
        String kept = cleaned.length() > KEPT ? cleaned.substring(0, KEPT) : cleaned;
        return kept + "_" + hash(member + '\u0000' + name);
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_HEX);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
