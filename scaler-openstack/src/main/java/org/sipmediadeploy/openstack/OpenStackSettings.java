package org.sipmediadeploy.openstack;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.sipmediadeploy.core.model.Secret;

/**
 * How to reach and authenticate to one OpenStack cloud. Validated on construction (fails closed): a settings
 * value that exists is usable.
 *
 * @param authUrl           Keystone v3 URL, e.g. {@code https://keystone.example:5000/v3}
 * @param auth              password (project-scoped) or application credential
 * @param region            region of the catalog endpoints to use; null = the only / first one
 * @param endpointInterface catalog interface: {@code public}, {@code internal} or {@code admin}
 * @param caFile            PEM file with the CA certificate(s) to trust for https; null = the JVM's trust store
 * @param connectTimeout    TCP connect timeout of every HTTP request
 * @param readTimeout       read timeout of every HTTP request
 * @param maxAttempts       tries of an operation failing TRANSIENT (5xx, timeout) before it is reported
 * @param retryBackoff      base of the jittered exponential backoff between those tries
 * @param tokenRefreshMargin a token is renewed when it expires within this margin
 */
public record OpenStackSettings(
        URI authUrl,
        Auth auth,
        String region,
        String endpointInterface,
        Path caFile,
        Duration connectTimeout,
        Duration readTimeout,
        int maxAttempts,
        Duration retryBackoff,
        Duration tokenRefreshMargin) {

    /** How to authenticate. */
    public sealed interface Auth permits Password, ApplicationCredential {}

    /** Keystone v3 password, scoped to a project. */
    public record Password(String user, Secret password, String userDomain, String project, String projectDomain)
            implements Auth {
        public Password {
            requireText(user, "auth.user");
            Objects.requireNonNull(password, "auth.password");
            requireText(userDomain, "auth.userDomain");
            requireText(project, "auth.project");
            requireText(projectDomain, "auth.projectDomain");
        }

        @Override
        public String toString() {
            return "Password[user=" + user + ", userDomain=" + userDomain + ", project=" + project + ", projectDomain="
                    + projectDomain + "]";
        }
    }

    /** A Keystone application credential (its project scope is fixed when it is created). */
    public record ApplicationCredential(String id, Secret secret) implements Auth {
        public ApplicationCredential {
            requireText(id, "auth.applicationCredentialId");
            Objects.requireNonNull(secret, "auth.applicationCredentialSecret");
        }

        @Override
        public String toString() {
            return "ApplicationCredential[id=" + id + "]";
        }
    }

    public OpenStackSettings {
        Objects.requireNonNull(authUrl, "authUrl");
        if (!"http".equals(authUrl.getScheme()) && !"https".equals(authUrl.getScheme())) {
            throw new IllegalArgumentException("authUrl must be http(s): " + authUrl);
        }
        Objects.requireNonNull(auth, "auth");
        endpointInterface = endpointInterface == null ? "public" : endpointInterface.toLowerCase(Locale.ROOT);
        if (!endpointInterface.equals("public")
                && !endpointInterface.equals("internal")
                && !endpointInterface.equals("admin")) {
            throw new IllegalArgumentException(
                    "endpointInterface must be public, internal or admin: " + endpointInterface);
        }
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(readTimeout, "readTimeout");
        if (maxAttempts < 1 || maxAttempts > 10) {
            throw new IllegalArgumentException("maxAttempts must be within 1..10: " + maxAttempts);
        }
        Objects.requireNonNull(retryBackoff, "retryBackoff");
        if (retryBackoff.isNegative()) {
            throw new IllegalArgumentException("retryBackoff must not be negative");
        }
        Objects.requireNonNull(tokenRefreshMargin, "tokenRefreshMargin");
        if (tokenRefreshMargin.isNegative()) {
            throw new IllegalArgumentException("tokenRefreshMargin must not be negative");
        }
    }

    /** Defaults for everything but the URL and the credentials: public interface, 5 s / 30 s, 3 tries. */
    public static OpenStackSettings of(URI authUrl, Auth auth, String region) {
        return new OpenStackSettings(
                authUrl,
                auth,
                region,
                "public",
                null,
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                3,
                Duration.ofMillis(200),
                Duration.ofMinutes(5));
    }

    public OpenStackSettings withAuth(Auth newAuth) {
        return new OpenStackSettings(
                authUrl,
                newAuth,
                region,
                endpointInterface,
                caFile,
                connectTimeout,
                readTimeout,
                maxAttempts,
                retryBackoff,
                tokenRefreshMargin);
    }

    public OpenStackSettings withCaFile(Path newCaFile) {
        return new OpenStackSettings(
                authUrl,
                auth,
                region,
                endpointInterface,
                newCaFile,
                connectTimeout,
                readTimeout,
                maxAttempts,
                retryBackoff,
                tokenRefreshMargin);
    }

    public OpenStackSettings withTimeouts(Duration connect, Duration read) {
        return new OpenStackSettings(
                authUrl,
                auth,
                region,
                endpointInterface,
                caFile,
                connect,
                read,
                maxAttempts,
                retryBackoff,
                tokenRefreshMargin);
    }

    public OpenStackSettings withRetries(int attempts, Duration backoff) {
        return new OpenStackSettings(
                authUrl,
                auth,
                region,
                endpointInterface,
                caFile,
                connectTimeout,
                readTimeout,
                attempts,
                backoff,
                tokenRefreshMargin);
    }

    public OpenStackSettings withTokenRefreshMargin(Duration margin) {
        return new OpenStackSettings(
                authUrl,
                auth,
                region,
                endpointInterface,
                caFile,
                connectTimeout,
                readTimeout,
                maxAttempts,
                retryBackoff,
                margin);
    }

    /** Who is authenticating, for messages: never the secret. */
    String principal() {
        if (auth instanceof Password p) {
            return "user '" + p.user() + "' (domain '" + p.userDomain() + "') in project '" + p.project() + "'";
        }
        if (auth instanceof ApplicationCredential a) {
            return "application credential '" + a.id() + "'";
        }
        throw new AssertionError(auth);
    }

    private static void requireText(String s, String what) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }

    private static void requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isZero() || d.isNegative() || d.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
    }
}
