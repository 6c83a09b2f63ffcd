package org.mcpfront.identity;

import java.util.List;

/**
 * Who signed in, as the identity provider vouches for it.
 *
 * @param subject       the provider's stable id for the account (Google's {@code sub}); our tokens' {@code sub}
 * @param email         the account's email address, lower-case
 * @param emailVerified whether the provider verified that the account owns {@code email}
 * @param hostedDomain  the Google Workspace domain ({@code hd}), or null for consumer accounts and other providers
 * @param name          a display name, or null
 * @param groups        the groups the provider's own {@code groups} claim lists (generic OIDC); empty for Google
 */
public record Identity(
        String subject, String email, boolean emailVerified, String hostedDomain, String name, List<String> groups) {

    public Identity {
        groups = groups == null ? List.of() : List.copyOf(groups);
    }

    /** An identity whose provider names no groups. */
    public Identity(String subject, String email, boolean emailVerified, String hostedDomain, String name) {
        this(subject, email, emailVerified, hostedDomain, name, List.of());
    }
}
