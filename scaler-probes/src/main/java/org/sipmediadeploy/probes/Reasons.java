package org.sipmediadeploy.probes;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.sipmediadeploy.core.model.ProbeResult;

/** Turns what went wrong into a reason an operator can act on. */
final class Reasons {
    private Reasons() {}

    /**
     * A failed probe with its reason, classified for the failure detector: a timeout is silence; a refused or reset
     * connection, a port unreachable, a TLS failure or a 5xx from the server is the target saying no at once;
     * anything else (a 4xx, a malformed answer, our own socket) is left unclassified.
     */
    static ProbeResult failed(Duration latency, String reason, Instant at) {
        String r = reason.toLowerCase(Locale.ROOT);
        if (r.contains("timeout") || r.contains("timed out")) {
            return ProbeResult.silent(latency, reason, at);
        }
        if (r.startsWith("connection refused")
                || r.startsWith("port unreachable")
                || r.startsWith("connection reset")
                || r.startsWith("tls handshake failed")
                || r.startsWith("i/o error on ")
                || SERVER_ERROR.matcher(reason).lookingAt()) {
            return ProbeResult.refused(latency, reason, at);
        }
        return ProbeResult.down(latency, reason, at);
    }

    /** A SIP, STUN or TURN reason starting with a 5xx code ("503 Service Unavailable", "STUN 500 Server Error"). */
    private static final Pattern SERVER_ERROR = Pattern.compile("(STUN |TURN )?5\\d\\d\\b");

    static String timeout(Duration timeout) {
        return "timeout after " + timeout.toMillis() + " ms";
    }

    /** Walks the cause chain for the most telling exception. */
    static String of(Throwable failure, Duration timeout) {
        Throwable t = unwrap(failure);
        for (Throwable c = t; c != null; c = c.getCause()) {
            String specific = specific(c, timeout);
            if (specific != null) {
                return specific;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        String msg = t.getMessage();
        return t.getClass().getSimpleName() + (msg == null || msg.isBlank() ? "" : ": " + firstLine(msg));
    }

    private static String specific(Throwable c, Duration timeout) {
        String msg = c.getMessage() == null ? "" : c.getMessage().toLowerCase(Locale.ROOT);
        if (c instanceof ConnectException && msg.contains("timed out")) {
            return "connect " + timeout(timeout);
        }
        if (c instanceof HttpConnectTimeoutException) {
            return "connect " + timeout(timeout);
        }
        if (c instanceof HttpTimeoutException || c instanceof TimeoutException || c instanceof SocketTimeoutException) {
            return timeout(timeout);
        }
        if (c instanceof ConnectException || msg.contains("connection refused")) {
            return "connection refused";
        }
        if (c instanceof PortUnreachableException) {
            return "port unreachable";
        }
        if (c instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (c instanceof UnknownHostException) {
            return "unknown host " + c.getMessage();
        }
        if (c instanceof SSLException) {
            return "TLS handshake failed: " + firstLine(c.getMessage());
        }
        if (msg.contains("connection reset")) {
            return "connection reset";
        }
        if (c instanceof IOException && c.getCause() == null && !msg.isEmpty()) {
            return "I/O error: " + firstLine(c.getMessage());
        }
        return null;
    }

    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
