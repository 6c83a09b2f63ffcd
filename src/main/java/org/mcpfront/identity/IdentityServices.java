package org.mcpfront.identity;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import org.mcpfront.config.GcpConfig;
import org.mcpfront.config.OAuthConfig;
import org.mcpfront.gcp.GoogleCredentials;
import org.mcpfront.gcp.ServiceAccountKey;
import org.mcpfront.identity.backend.AssertionKey;
import org.mcpfront.identity.backend.BackendIdentity;
import org.mcpfront.identity.backend.IdentityAssertions;
import org.mcpfront.storage.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity parts that outlive a request, made once at start: the membership lookups (Workspace groups, IAM
 * roles) that sign-in and refresh use, and what backends are told about users (assertions signed with their own
 * key, Google ID tokens).
 *
 * @param google mcp-front's Google credentials; always made (the metadata server when no key file is configured),
 *               they are only asked for when something needs them
 */
public record IdentityServices(
        Memberships memberships, AssertionKey assertionKey, BackendIdentity backendIdentity, GoogleCredentials google) {

    private static final Logger log = LoggerFactory.getLogger(IdentityServices.class);

    public static Future<IdentityServices> start(Vertx vertx, OAuthConfig oauth, Store store) {
        GcpConfig gcp = oauth.gcp();
        Future<ServiceAccountKey> key = gcp.credentialsFile().isEmpty()
                ? Future.succeededFuture(null)
                : vertx.fileSystem()
                        .readFile(gcp.credentialsFile().get())
                        .recover(e -> Future.failedFuture(new IllegalStateException(
                                "oauth.gcp.credentials_file "
                                        + gcp.credentialsFile().get() + " cannot be read: " + e.getMessage(),
                                e)))
                        .map(buffer -> {
                            try {
                                return ServiceAccountKey.parse(buffer.toString());
                            } catch (IllegalArgumentException e) {
                                throw new IllegalStateException(
                                        "oauth.gcp.credentials_file "
                                                + gcp.credentialsFile().get() + " " + e.getMessage(),
                                        e);
                            }
                        });
        Future<AssertionKey> assertionKey = switch (oauth.storage()) {
            case MEMORY -> vertx.executeBlocking(AssertionKey::generated);
            case REDIS -> AssertionKey.shared(vertx, store);
        };
        Clock clock = Clock.systemUTC();
        return Future.all(key, assertionKey).map(all -> {
            GoogleCredentials google = new GoogleCredentials(vertx, key.result(), gcp.metadataUrl(), clock);
            WorkspaceGroups workspace = gcp.workspace()
                    .map(w -> new WorkspaceGroups(vertx, google, w.adminEmail(), w.directoryUrl(), w.cacheTtl(), clock))
                    .orElse(null);
            IamRoles iam = oauth.gcpProject() == null || oauth.gcpProject().isBlank()
                    ? null
                    : new IamRoles(
                            vertx, google, oauth.gcpProject(), gcp.resourceManagerUrl(), gcp.iamCacheTtl(), clock);
            log.atInfo()
                    .addKeyValue("credentials", google.source())
                    .addKeyValue("workspace_groups", workspace != null)
                    .addKeyValue("iam_project", iam == null ? null : iam.project())
                    .log("identity services ready");
            BackendIdentity backends =
                    new BackendIdentity(new IdentityAssertions(assertionKey.result(), oauth.issuer(), clock), google);
            return new IdentityServices(new Memberships(workspace, iam), assertionKey.result(), backends, google);
        });
    }
}
