package org.sipmediadeploy.core.port;

import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.state.ClusterState;

/** The replicated log as the control loop uses it (implemented with Apache Ratis). */
public interface Consensus {
    /** Proposes a command; completes when it is committed and applied, with whether it was accepted. */
    CompletableFuture<CommitResult> propose(Command command);

    /** The state applied on this node (may lag the leader's on a follower). */
    ClusterState state();

    /** The current term if this node is the leader and ready (its first entry of the term applied), else empty. */
    OptionalLong leaderTerm();

    /** True only if this node is still the ready leader in {@code term}: checked just before every cloud call. */
    default boolean isLeaderIn(long term) {
        OptionalLong t = leaderTerm();
        return t.isPresent() && t.getAsLong() == term;
    }

    /** A committed entry: its log index and term, and the refusal reason when the state machine refused it. */
    record CommitResult(long index, long term, String refusal) {
        public boolean accepted() {
            return refusal == null;
        }
    }
}
