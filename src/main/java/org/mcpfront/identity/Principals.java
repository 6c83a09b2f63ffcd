package org.mcpfront.identity;

import java.util.List;
import java.util.Locale;

/**
 * Who a list of principals names: an email address ({@code alice@example.com}) names that user, and
 * {@code @example.com} every user whose (verified, admitted) email is in that domain. Groups
 * ({@code group:<name>}) are for later; the config refuses them today.
 */
public final class Principals {

    private Principals() {
    }

    /** Whether {@code email} is one of {@code principals}; principals are lower case, as the config writes them. */
    public static boolean includes(List<String> principals, String email) {
        if (email == null || email.isBlank()) {
            return false;
        }
        String address = email.strip().toLowerCase(Locale.ROOT);
        String domain = address.substring(address.lastIndexOf('@') + 1);
        return principals.stream().anyMatch(p -> p.equals(address) || p.equals("@" + domain));
    }
}
