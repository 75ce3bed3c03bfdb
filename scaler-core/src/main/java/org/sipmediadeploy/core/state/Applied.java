package org.sipmediadeploy.core.state;

import java.util.Objects;
import java.util.Optional;

/**
 * Result of applying one command: the next state, and the refusal reason when the command was refused (the
 * state is then unchanged but for nothing: a refused command changes nothing).
 */
public record Applied(ClusterState state, String refusal) {
    public Applied {
        Objects.requireNonNull(state, "state");
    }

    static Applied accepted(ClusterState s) {
        return new Applied(s, null);
    }

    static Applied refused(ClusterState s, String why) {
        return new Applied(s, Objects.requireNonNull(why));
    }

    public boolean isAccepted() {
        return refusal == null;
    }

    public Optional<String> refusalReason() {
        return Optional.ofNullable(refusal);
    }
}
