package org.sipmediadeploy.core.policy;

import java.time.Instant;

/**
 * Leader-local memory of the scaling policy: since when the pool has had a removable surplus, and what it has seen
 * of demand. It is not replicated on purpose: a new leader starts counting again, which can only delay a scale-in
 * (the safe side) and falls back to the schedule's spare until the demand estimate has warmed up.
 */
public record ScalingMemory(Instant surplusSince, DemandEstimate demand) {
    public static final ScalingMemory NONE = new ScalingMemory(null, DemandEstimate.NONE);

    public ScalingMemory {
        demand = demand == null ? DemandEstimate.NONE : demand;
    }

    /** A memory with a surplus seen since {@code surplusSince} and no demand history. */
    public ScalingMemory(Instant surplusSince) {
        this(surplusSince, DemandEstimate.NONE);
    }
}
