package org.sipmediadeploy.core.model;

import java.util.EnumSet;
import java.util.Set;

/**
 * How the scaler treats a service pair.
 *
 * <pre>
 * from \ to | AUTO | PAUSED | MANUAL
 * AUTO      |  -   | operator pause | anti-flap limit hit, or operator
 * PAUSED    | operator resume | - | operator
 * MANUAL    | operator resume | operator pause | -
 * </pre>
 * Only AUTO fails over by itself; PAUSED and MANUAL still probe, report and accept an operator's failover.
 */
public enum PairMode {
    AUTO,
    PAUSED,
    MANUAL;

    public Set<PairMode> successors() {
        return switch (this) {
            case AUTO -> EnumSet.of(PAUSED, MANUAL);
            case PAUSED -> EnumSet.of(AUTO, MANUAL);
            case MANUAL -> EnumSet.of(AUTO, PAUSED);
        };
    }

    public boolean canMoveTo(PairMode next) {
        return successors().contains(next);
    }
}
