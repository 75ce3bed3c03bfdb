package org.sipmediadeploy.core.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.model.PoolState;
import org.sipmediadeploy.core.policy.DecisionIds;
import org.sipmediadeploy.core.policy.PoolObservation;

/** A scaling rule the simulator can replay: this project's policy, or a reference rule to compare with. */
interface PoolStrategy {
    String name();

    /** How often the rule runs. */
    Duration period();

    /** Whether a host serves one call only and is deleted when it ends (SimpleScaleVM's gateways are). */
    default boolean singleUseHosts() {
        return false;
    }

    /** Replicated facts the last {@link #decide} produced besides decisions (the policy's learnt arrivals). */
    default List<Command> toCommit(long term, Instant now) {
        return List.of();
    }

    List<Decision> decide(PoolState pool, PoolObservation obs, Instant now, DecisionIds ids);
}
