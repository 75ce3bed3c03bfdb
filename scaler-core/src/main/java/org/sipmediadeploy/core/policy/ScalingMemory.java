package org.sipmediadeploy.core.policy;

import java.time.Instant;

/**
 * Leader-local memory of the scaling policy: since when the pool has had a removable surplus. It is not
 * replicated on purpose: a new leader starts counting again, which can only delay a scale-in (the safe side).
 */
public record ScalingMemory(Instant surplusSince) {
    public static final ScalingMemory NONE = new ScalingMemory(null);
}
