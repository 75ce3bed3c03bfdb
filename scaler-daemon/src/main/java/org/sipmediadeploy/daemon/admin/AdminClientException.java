package org.sipmediadeploy.daemon.admin;

/**
 * The admin API answered with an error, or could not be reached. {@link #status()} is the HTTP status, 0 when
 * {@link #unreachable()}; {@link #error()} and {@link #detail()} are the server's JSON error fields.
 */
public final class AdminClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;
    private final String detail;

    AdminClientException(int status, String error, String detail, Throwable cause) {
        super(status == 0 ? "admin API unreachable: " + detail : "HTTP " + status + " " + error + ": " + detail, cause);
        this.status = status;
        this.error = error;
        this.detail = detail;
    }

    static AdminClientException unreachable(String detail, Throwable cause) {
        return new AdminClientException(0, "unreachable", detail, cause);
    }

    public int status() {
        return status;
    }

    /** Nothing answered: connection refused, timed out, or interrupted. */
    public boolean unreachable() {
        return status == 0;
    }

    /** No leader to act (503): scalerctl treats it like an unreachable cluster. */
    public boolean unavailable() {
        return status == 503;
    }

    public String error() {
        return error;
    }

    public String detail() {
        return detail;
    }
}
