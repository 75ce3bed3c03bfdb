package org.sipmediadeploy.core.model;

import java.util.EnumSet;
import java.util.Set;

/**
 * Lifecycle of a Gateway Host.
 *
 * <pre>
 * CREATING --server ACTIVE and status answers--> READY
 * CREATING --create failed--> FAILED
 * CREATING --boot timeout--> DELETING
 * READY    --scale-in or operator drain--> DRAINING
 * READY    --reports "can be terminated" / lost past grace--> DELETING
 * DRAINING --idle (no busy gateway)--> DELETING
 * DRAINING --demand came back--> READY
 * FAILED   --cleanup--> DELETING
 * DELETING --server gone--> (removed from state)
 * </pre>
 */
public enum HostState {
    CREATING,
    READY,
    DRAINING,
    DELETING,
    FAILED;

    public Set<HostState> successors() {
        return switch (this) {
            case CREATING -> EnumSet.of(READY, FAILED, DELETING);
            case READY -> EnumSet.of(DRAINING, DELETING);
            case DRAINING -> EnumSet.of(DELETING, READY);
            case FAILED -> EnumSet.of(DELETING);
            case DELETING -> EnumSet.noneOf(HostState.class);
        };
    }

    public boolean canMoveTo(HostState next) {
        return successors().contains(next);
    }
}
