package org.sipmediadeploy.core.port;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The Raft configuration as the leader's control loop changes it (implemented with Ratis' setConfiguration). Calls
 * block until the change is committed or fail with {@link MembershipException}; each is idempotent (asking for
 * the configuration that is already in place succeeds at once).
 */
public interface Membership {
    /** The configuration and what this node knows of each peer; empty peers when this node is not the leader. */
    View view();

    /** Adds node {@code id} at {@code address} as a non-voting learner: it receives the log but does not vote. */
    void addLearner(String id, String address);

    /** Makes {@code voters} (id to {@code host:port}) exactly the voting members; learners not named are dropped. */
    void setVoters(Map<String, String> voters);

    /**
     * A peer as the leader sees it. {@code lastContact} is how long ago it last answered (zero for the leader
     * itself, null when never since this node became leader); {@code matchIndex} the last log index known to be
     * replicated on it (-1 unknown).
     */
    record Peer(String id, String address, boolean voter, Duration lastContact, long matchIndex) {
        public Peer {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(address, "address");
        }
    }

    /** The configuration: every voter and learner, and the leader's commit index. */
    record View(String selfId, List<Peer> peers, long commitIndex) {
        public View {
            Objects.requireNonNull(selfId, "selfId");
            peers = List.copyOf(peers);
        }

        public Optional<Peer> peer(String id) {
            return peers.stream().filter(p -> p.id().equals(id)).findFirst();
        }

        public List<Peer> voters() {
            return peers.stream().filter(Peer::voter).toList();
        }

        public List<Peer> learners() {
            return peers.stream().filter(p -> !p.voter()).toList();
        }
    }

    /** A configuration change that could not be made now (no leader, not committed in time, refused). */
    final class MembershipException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MembershipException(String message, Throwable cause) {
            super(message, cause);
        }

        public MembershipException(String message) {
            super(message);
        }
    }
}
