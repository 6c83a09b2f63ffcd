package org.mcpfront.identity;

/**
 * Who signed in, as the identity provider vouches for it.
 *
 * @param subject       the provider's stable id for the account (Google's {@code sub}); our tokens' {@code sub}
 * @param email         the account's email address, lower-case
 * @param emailVerified whether the provider verified that the account owns {@code email}
 * @param hostedDomain  the Google Workspace domain ({@code hd}), or null for consumer accounts
 * @param name          a display name, or null
 */
public record Identity(String subject, String email, boolean emailVerified, String hostedDomain, String name) {
}
