package org.sipmediadeploy.daemon.admin;

import java.util.Objects;

/**
 * How an operator action ended, as the backend reports it. The server maps it to HTTP:
 * <pre>
 * Accepted    -> 200 {"result":"accepted","decision_id":...,"detail":...}
 * NotFound    -> 404 {"error":"not_found","detail":...}
 * Refused     -> 409 {"error":"refused","detail":reason}
 * Unavailable -> 503 {"error":"unavailable","detail":reason}   (no leader, not ready)
 * </pre>
 */
public sealed interface ActionResult {
    /** Committed; {@code decisionId} is null for actions that are a mode change rather than a decision. */
    record Accepted(String decisionId, String detail) implements ActionResult {
        public Accepted {
            detail = detail == null ? "" : detail;
        }
    }

    /** The pair, pool, host or member does not exist; {@code detail} names which. */
    record NotFound(String detail) implements ActionResult {
        public NotFound {
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** Understood but refused, e.g. "standby kam-b fails its probe: timeout after 400 ms". */
    record Refused(String reason) implements ActionResult {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Cannot be done now on this cluster: no leader, or the commit did not complete in time. */
    record Unavailable(String reason) implements ActionResult {
        public Unavailable {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
