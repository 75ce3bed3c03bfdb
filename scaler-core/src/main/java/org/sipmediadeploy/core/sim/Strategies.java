package org.sipmediadeploy.core.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.model.PoolState;
import org.sipmediadeploy.core.policy.DecisionIds;
import org.sipmediadeploy.core.policy.PoolObservation;
import org.sipmediadeploy.core.policy.ScalingMemory;
import org.sipmediadeploy.core.policy.ScalingPolicy;
import org.sipmediadeploy.core.policy.ScalingVerdict;

/** This project's scaling policy as a simulator strategy (the reference rules are in {@link ReferenceRules}). */
public final class Strategies {
    private Strategies() {}

    /** This project's {@link ScalingPolicy}, run every evaluation period. */
    public static PoolStrategy scalingPolicy(PoolConfig cfg) {
        return new PoolStrategy() {
            private ScalingMemory memory = ScalingMemory.NONE;
            private ScalingVerdict.MinuteArrivals closed;

            @Override
            public String name() {
                return "scaling-policy";
            }

            @Override
            public Duration period() {
                return cfg.evaluationPeriod();
            }

            @Override
            public List<Decision> decide(PoolState pool, PoolObservation obs, Instant now, DecisionIds ids) {
                ScalingVerdict v = ScalingPolicy.decide(pool, obs, cfg, memory, now, ids);
                memory = v.memory();
                closed = v.closedMinute();
                return v.decisions();
            }

            @Override
            public List<Command> toCommit(long term, Instant now) {
                return closed == null
                        ? List.of()
                        : List.of(new Command.RecordArrivals(cfg.name(), closed.minute(), closed.count(), term, now));
            }
        };
    }
}
