package org.sipmediadeploy.core.policy;

import java.time.Instant;

/**
 * Leader-local memory of the scaling policy: since when the pool has had a removable surplus, what it has seen of
 * demand (last busy count, boot time), and the calls counted so far in the current minute ({@code minute}, -1 before
 * the first pass). It is not replicated on purpose: a new leader starts counting again, which can only delay a
 * scale-in (the safe side). What must survive a leader change, the per-minute arrivals, is committed to the
 * replicated {@link org.sipmediadeploy.core.model.ArrivalHistory} once each minute is over.
 */
public record ScalingMemory(Instant surplusSince, DemandEstimate demand, long minute, int minuteArrivals) {
    public static final ScalingMemory NONE = new ScalingMemory(null, DemandEstimate.NONE, -1, 0);

    public ScalingMemory {
        demand = demand == null ? DemandEstimate.NONE : demand;
    }

    /** A memory with a surplus seen since {@code surplusSince} and {@code demand}, no minute counted yet. */
    public ScalingMemory(Instant surplusSince, DemandEstimate demand) {
        this(surplusSince, demand, -1, 0);
    }

    /** A memory with a surplus seen since {@code surplusSince} and no demand history. */
    public ScalingMemory(Instant surplusSince) {
        this(surplusSince, DemandEstimate.NONE);
    }
}
