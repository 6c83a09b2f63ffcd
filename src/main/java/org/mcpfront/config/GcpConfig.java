package org.mcpfront.config;

import java.time.Duration;
import java.util.Optional;

/**
 * {@code oauth.gcp:}: how mcp-front reaches Google Cloud with its own credentials, for IAM admission
 * ({@code iam:<role>} principals on {@code oauth.gcp_project}), Workspace group lookups and Google ID tokens for
 * backends.
 *
 * @param credentialsFile    a service-account key file (default {@code $GOOGLE_APPLICATION_CREDENTIALS}); empty:
 *                           the metadata server
 * @param metadataUrl        the metadata server (default {@code http://$GCE_METADATA_HOST} or
 *                           {@code http://metadata.google.internal})
 * @param resourceManagerUrl Cloud Resource Manager's base URL
 * @param iamCacheTtl        how long the project's IAM policy is reused
 * @param workspace          the Google Workspace group lookup, when configured
 */
public record GcpConfig(
        Optional<String> credentialsFile,
        String metadataUrl,
        String resourceManagerUrl,
        Duration iamCacheTtl,
        Optional<WorkspaceConfig> workspace) {

    public static final String DEFAULT_METADATA_URL = "http://metadata.google.internal";
    public static final String DEFAULT_RESOURCE_MANAGER_URL = "https://cloudresourcemanager.googleapis.com";
    public static final String DEFAULT_DIRECTORY_URL = "https://admin.googleapis.com";
    public static final Duration DEFAULT_IAM_CACHE_TTL = Duration.ofMinutes(5);
    public static final Duration DEFAULT_WORKSPACE_CACHE_TTL = Duration.ofMinutes(10);

    /** Google's endpoints, the metadata server's credentials, no Workspace lookup. */
    public static GcpConfig defaults() {
        return new GcpConfig(
                Optional.empty(),
                DEFAULT_METADATA_URL,
                DEFAULT_RESOURCE_MANAGER_URL,
                DEFAULT_IAM_CACHE_TTL,
                Optional.empty());
    }

    /**
     * {@code oauth.gcp.workspace:}: the Admin SDK Directory API, read by the service account acting as
     * {@code adminEmail} (domain-wide delegation).
     */
    public record WorkspaceConfig(String adminEmail, String directoryUrl, Duration cacheTtl) {}
}
