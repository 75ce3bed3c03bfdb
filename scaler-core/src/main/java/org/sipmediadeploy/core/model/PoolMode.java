package org.sipmediadeploy.core.model;

import java.util.EnumSet;
import java.util.Set;

/**
 * How the scaler treats the gateway pool.
 *
 * <pre>
 * from \ to | AUTO | PAUSED | DRY_RUN
 * AUTO      |  -   | operator | operator
 * PAUSED    | operator | - | operator
 * DRY_RUN   | operator | operator | -
 * </pre>
 * PAUSED makes no decisions; DRY_RUN commits decisions marked as would-be and does not touch the cloud.
 */
public enum PoolMode {
    AUTO,
    PAUSED,
    DRY_RUN;

    public Set<PoolMode> successors() {
        return switch (this) {
            case AUTO -> EnumSet.of(PAUSED, DRY_RUN);
            case PAUSED -> EnumSet.of(AUTO, DRY_RUN);
            case DRY_RUN -> EnumSet.of(AUTO, PAUSED);
        };
    }

    public boolean canMoveTo(PoolMode next) {
        return successors().contains(next);
    }
}
