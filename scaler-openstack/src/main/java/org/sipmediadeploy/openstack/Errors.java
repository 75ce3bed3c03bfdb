package org.sipmediadeploy.openstack;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Locale;
import org.openstack4j.api.exceptions.ConnectionException;
import org.openstack4j.api.exceptions.ResponseException;
import org.sipmediadeploy.core.port.CloudException;
import org.sipmediadeploy.core.port.CloudException.Kind;

/**
 * Turns what openstack4j and HTTP report into a {@link CloudException.Kind}. The only place where status codes
 * and fault texts are interpreted.
 */
final class Errors {
    private Errors() {}

    /**
     * The kind of an HTTP failure. Quota is recognised from the text as well as the code because every service
     * says it differently: Nova 403 "Quota exceeded" (413 on old releases), Neutron 409 "Quota exceeded for
     * resources", Cinder 413 "VolumeLimitExceeded".
     */
    static Kind kindOf(int status, String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        boolean quota = m.contains("quota")
                || m.contains("over limit")
                || m.contains("overlimit")
                || m.contains("limitexceeded")
                || m.contains("limit exceeded");
        if (status == 0) {
            return Kind.TRANSIENT;
        }
        if (status == 401) {
            return Kind.AUTH;
        }
        if (status == 403) {
            return quota ? Kind.QUOTA : Kind.AUTH;
        }
        if (status == 404) {
            return Kind.NOT_FOUND;
        }
        if (status == 409) {
            return quota ? Kind.QUOTA : Kind.CONFLICT;
        }
        if (status == 412) {
            return Kind.CONFLICT;
        }
        if (status == 413) {
            return Kind.QUOTA;
        }
        if (status == 408 || status == 429) {
            return Kind.TRANSIENT;
        }
        if (status >= 500) {
            return Kind.TRANSIENT;
        }
        if (status >= 400) {
            return quota ? Kind.QUOTA : Kind.BAD_REQUEST;
        }
        return Kind.TRANSIENT;
    }

    static CloudException fromStatus(String operation, int status, String message) {
        String text = message == null || message.isBlank() ? "no detail" : message.strip();
        return new CloudException(kindOf(status, text), operation, "HTTP " + status + ": " + text);
    }

    /** Any failure of a call: classified, with the original as cause (openstack4j messages carry no secret). */
    static CloudException classify(String operation, Throwable t) {
        if (t instanceof CloudException c) {
            return c;
        }
        if (t instanceof ConnectionException c) {
            Throwable io = findIo(c);
            return new CloudException(
                    Kind.TRANSIENT, operation, "connection failed: " + describe(io == null ? c : io), c);
        }
        if (t instanceof ResponseException r) {
            return new CloudException(
                    kindOf(r.getStatus(), r.getMessage()),
                    operation,
                    "HTTP " + r.getStatus() + ": " + (r.getMessage() == null ? "no detail" : r.getMessage()),
                    r);
        }
        Throwable io = findIo(t);
        if (io != null) {
            return new CloudException(Kind.TRANSIENT, operation, "I/O failure: " + describe(io), t);
        }
        // An exception from the client itself (e.g. a body it could not parse, as when a proxy answers HTML):
        // retrying is harmless and it is bounded.
        return new CloudException(Kind.TRANSIENT, operation, "unexpected client failure: " + t, t);
    }

    private static Throwable findIo(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException || c instanceof InterruptedIOException) {
                return c;
            }
        }
        return null;
    }

    /** The outermost I/O exception says what happened (OkHttp's read timeout wraps a "Socket closed"). */
    private static String describe(Throwable t) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
