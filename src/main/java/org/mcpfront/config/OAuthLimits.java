package org.mcpfront.config;

/**
 * The {@code oauth.limits:} section: what anyone, before signing in, may make the authorization server
 * keep. Counted in the store, so a cluster on Redis shares the counts.
 *
 * @param registrationsPerAddress {@code POST /register} per client address
 * @param registrations           {@code POST /register} from every address together
 * @param authorizationsPerAddress {@code GET /authorize} per client address
 * @param memoryStorageBytes      the most that memory storage holds (keys and values); beyond it new
 *                                entries are refused until old ones expire
 */
public record OAuthLimits(
        RateLimit registrationsPerAddress,
        RateLimit registrations,
        RateLimit authorizationsPerAddress,
        long memoryStorageBytes) {}
