package org.sipmediadeploy.core.port;

import java.util.Objects;

/** A classified cloud failure. The message names what went wrong and never carries a secret. */
public final class CloudException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** How the caller should react. */
    public enum Kind {
        /** Credentials refused (after one re-authentication). Terminal. */
        AUTH(false),
        /** The named thing does not exist (image, flavor, network, server, port, floating IP). Terminal. */
        NOT_FOUND(false),
        /** A conflicting concurrent change (409, revision mismatch): re-read and reconcile. */
        CONFLICT(true),
        /**
         * The floating IP is no longer where the move's decision saw it (another port, a newer revision): the decision
         * is void. Terminal for that decision; the loop observes again and decides afresh.
         */
        STALE(false),
        /** Quota exceeded, over limit, or no valid host: back off, raise an alarm, never a create storm. */
        QUOTA(false),
        /** The request itself is wrong (400). Terminal. */
        BAD_REQUEST(false),
        /** 5xx, timeouts, connection errors: retried with bounded, jittered backoff. */
        TRANSIENT(true);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean isRetryable() {
            return retryable;
        }
    }

    private final Kind kind;
    private final String operation;

    public CloudException(Kind kind, String operation, String message, Throwable cause) {
        super(operation + ": " + message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.operation = Objects.requireNonNull(operation, "operation");
    }

    public CloudException(Kind kind, String operation, String message) {
        this(kind, operation, message, null);
    }

    public Kind kind() {
        return kind;
    }

    public String operation() {
        return operation;
    }
}
