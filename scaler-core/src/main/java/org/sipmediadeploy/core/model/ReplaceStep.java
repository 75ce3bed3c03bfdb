package org.sipmediadeploy.core.model;

/**
 * The steps of replacing a dead scaler node, in order. Each is idempotent and its outcome is committed before the
 * next starts, so a new leader resumes at the step the state names.
 *
 * <pre>
 * CREATE_VM            --port and server created (found again by decision id), server ACTIVE--> AWAIT_CATCH_UP
 * AWAIT_CATCH_UP       --the new node's Raft server answers (started outside the configuration, waiting to be
 *                        added)--> SWITCH_CONFIGURATION
 * SWITCH_CONFIGURATION --one configuration change committed (Ratis copies the log to the new node before it switches),
 *                        new node in, dead node out, and the new node has committed up to the leader's commit
 *                        index: caught up--> DELETE_OLD_VM
 * DELETE_OLD_VM        --dead node's server (and a port the scaler made) deleted--> (decision DONE)
 * any step before the switch --terminal cloud failure / give-up-after: new VM and port removed--> (FAILED)
 * </pre>
 */
public enum ReplaceStep {
    CREATE_VM,
    AWAIT_CATCH_UP,
    SWITCH_CONFIGURATION,
    DELETE_OLD_VM;

    /** The step after this one; null after the last. */
    public ReplaceStep next() {
        return switch (this) {
            case CREATE_VM -> AWAIT_CATCH_UP;
            case AWAIT_CATCH_UP -> SWITCH_CONFIGURATION;
            case SWITCH_CONFIGURATION -> DELETE_OLD_VM;
            case DELETE_OLD_VM -> null;
        };
    }

    /** Whether the dead node is still in the Raft configuration while at this step (the switch not yet done). */
    public boolean beforeSwitch() {
        return this.compareTo(SWITCH_CONFIGURATION) <= 0;
    }
}
