package org.sipmediadeploy.core.loop;

import java.time.Duration;
import java.time.Instant;
import org.sipmediadeploy.core.model.Server;

/**
 * Whether a server can have been made by the decision whose id it carries. Decision ids restart with the Raft
 * terms when the replicated state is lost (a wiped storage starts again at term 1), so a server of the lost history
 * can carry the id of a decision of the new one; a server the cloud says existed before that decision was not made
 * by it, and is neither taken as its product nor deleted as a second server of it.
 */
final class Provenance {
    /** Clock difference tolerated between the leader that proposed and the cloud that created (NTP-synced). */
    static final Duration SKEW = Duration.ofMinutes(1);

    private Provenance() {}

    /** True when the cloud dates {@code s} before {@code decidedAt} (a cloud that gives no date proves nothing). */
    static boolean predates(Server s, Instant decidedAt) {
        return s.created() != null && s.created().isBefore(decidedAt.minus(SKEW));
    }

    /** The reason a decision gives up on a server that carries its id but is not its product ({@code why}). */
    static String reused(Server s, String decisionId, String why) {
        return "server " + s.name() + " (" + s.id() + ") carries the id " + decisionId + " but " + why
                + ": an id of a history lost since; neither used nor deleted";
    }

    /** Why {@code s}, dated before its decision ({@link #predates}), is not that decision's product. */
    static String createdBefore(Server s) {
        return "was created before the decision, at " + s.created();
    }
}
