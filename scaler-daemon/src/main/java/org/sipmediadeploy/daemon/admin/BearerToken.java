package org.sipmediadeploy.daemon.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import org.sipmediadeploy.core.model.Secret;

/**
 * Checks an {@code Authorization: Bearer ...} header in constant time. Both sides are hashed first so that
 * neither the comparison's time nor its early exit on a length mismatch says anything about the token.
 */
final class BearerToken {
    private static final String SCHEME = "Bearer ";
    private final byte[] expected;

    BearerToken(Secret token) {
        Objects.requireNonNull(token, "token");
        if (token.reveal().isBlank()) {
            throw new IllegalArgumentException("the admin token must not be empty");
        }
        this.expected = sha256(token.reveal());
    }

    /** True when the header carries exactly the configured token. */
    boolean matches(String authorization) {
        if (authorization == null
                || authorization.length() <= SCHEME.length()
                || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        return MessageDigest.isEqual(
                expected, sha256(authorization.substring(SCHEME.length()).trim()));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
