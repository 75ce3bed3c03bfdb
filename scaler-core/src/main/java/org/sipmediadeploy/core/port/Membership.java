package org.sipmediadeploy.core.port;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The Raft configuration as the leader's control loop reads and changes it (implemented over Ratis'
 * setConfiguration by scaler-raft). Nothing here blocks the loop for long: {@link #replace} completes later.
 */
public interface Membership {
    /** The voting members and what this node knows of each; empty peers when this node is not the leader. */
    View view();

    /** Whether the Raft server of node {@code id} at {@code address} answers now (a new node, not yet a member). */
    boolean answers(String id, String address);

    /**
     * Replaces voter {@code deadId} by {@code newId} at {@code newAddress} in one configuration change: the leader
     * first copies the log to the new node (Ratis stages it until it has caught up), then commits the joint and the
     * new configuration. Completes when committed (at once if it already was), or exceptionally with a
     * {@link MembershipException} saying why not (no majority, another change in progress, timed out: retry).
     */
    CompletableFuture<Void> replace(String deadId, String newId, String newAddress);

    /**
     * A voter as the leader sees it. {@code lastContact}: how long ago it last answered (zero for the leader itself,
     * null when unknown); {@code commitIndex}: the last commit index it reported (-1 unknown).
     */
    record Peer(String id, String address, Duration lastContact, long commitIndex) {
        public Peer {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(address, "address");
        }
    }

    /** The configuration: the voters, the leader's commit index, and whether a change is in progress. */
    record View(String selfId, List<Peer> voters, long commitIndex, boolean changing) {
        public View {
            Objects.requireNonNull(selfId, "selfId");
            voters = List.copyOf(voters);
        }

        public Optional<Peer> peer(String id) {
            return voters.stream().filter(p -> p.id().equals(id)).findFirst();
        }
    }

    /** A configuration change that did not happen (no leader, no majority, not committed in time, refused). */
    final class MembershipException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MembershipException(String message) {
            super(message);
        }
    }
}
