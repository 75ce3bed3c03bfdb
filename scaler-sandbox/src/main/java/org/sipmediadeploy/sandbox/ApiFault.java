package org.sipmediadeploy.sandbox;

import java.time.Duration;
import java.util.Objects;

/**
 * An API fault rule: on calls to {@code operation} (e.g. {@code server.create}, {@code floatingip.update},
 * {@code server.*}, or {@code *}), with probability {@code rate}, at most {@code count} times (-1: no limit),
 * apply {@code kind}. {@code delay} is the added latency (LATENCY) or how long the request is held before the
 * connection is dropped unanswered (TIMEOUT); {@code status} is the code for SERVER_ERROR (500, 502, 503, 504).
 * {@code user} limits the rule to calls of one Keystone user (null: everyone), so one scaler node of several,
 * each with its own user, can be cut off from the cloud while the others are not.
 */
public record ApiFault(String operation, Kind kind, double rate, int count, Duration delay, int status, String user) {

    public enum Kind {
        /** Answer normally, after {@code delay}. */
        LATENCY,
        /** A 5xx with the service's error body. */
        SERVER_ERROR,
        /** 409 as the service writes it (Nova conflictingRequest, Neutron FloatingIPPortAlreadyAssociated/InUse). */
        CONFLICT,
        /** Nova 403 "Quota exceeded", Neutron 409 OverQuota, or Nova 413 overLimit when status is 413. */
        QUOTA,
        /** Hold the request for {@code delay}, then close the connection without an answer. */
        TIMEOUT,
        /** server.create answers 202, then the server goes to ERROR with the fault "No valid host was found". */
        NO_VALID_HOST
    }

    public ApiFault {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(kind, "kind");
        if (rate < 0 || rate > 1) {
            throw new IllegalArgumentException("rate must be in [0, 1]: " + rate);
        }
        delay = delay == null ? Duration.ZERO : delay;
        if (delay.isNegative() || delay.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("delay must be within [0, 5 min]: " + delay);
        }
        if (kind == Kind.SERVER_ERROR && (status < 500 || status > 599)) {
            status = 500;
        }
    }

    public ApiFault(String operation, Kind kind, double rate, int count, Duration delay, int status) {
        this(operation, kind, rate, count, delay, status, null);
    }

    /** The same rule, for the calls of {@code userName} only. */
    public ApiFault forUser(String userName) {
        return new ApiFault(operation, kind, rate, count, delay, status, userName);
    }

    public static ApiFault always(String operation, Kind kind) {
        return new ApiFault(operation, kind, 1.0, -1, Duration.ZERO, 0);
    }

    public static ApiFault once(String operation, Kind kind) {
        return new ApiFault(operation, kind, 1.0, 1, Duration.ZERO, 0);
    }

    public static ApiFault latency(String operation, Duration delay) {
        return new ApiFault(operation, Kind.LATENCY, 1.0, -1, delay, 0);
    }

    public static ApiFault timeout(String operation, Duration hold, int count) {
        return new ApiFault(operation, Kind.TIMEOUT, 1.0, count, hold, 0);
    }

    public static ApiFault serverError(String operation, int status, double rate, int count) {
        return new ApiFault(operation, Kind.SERVER_ERROR, rate, count, Duration.ZERO, status);
    }

    boolean matches(String op, String caller) {
        if (user != null && !user.equals(caller)) {
            return false;
        }
        if (operation.equals("*") || operation.equals(op)) {
            return true;
        }
        return operation.endsWith(".*") && op.startsWith(operation.substring(0, operation.length() - 1));
    }
}
