package org.sipmediadeploy.core.model;

/**
 * The steps of replacing a dead scaler node, in order. Each is idempotent and its outcome is committed before the
 * next starts, so a new leader resumes at the step the state names.
 *
 * <pre>
 * CREATE_VM            --port and server created (found again by decision id)--> AWAIT_CATCH_UP
 * AWAIT_CATCH_UP       --new node added as a non-voting learner and its log caught up--> SWITCH_CONFIGURATION
 * SWITCH_CONFIGURATION --Raft configuration committed: new node in, dead node out--> DELETE_OLD_VM
 * DELETE_OLD_VM        --dead node's server (and a port the scaler made) deleted--> (decision DONE)
 * any step before SWITCH_CONFIGURATION --terminal failure / timeout: new VM and learner removed--> (FAILED)
 * </pre>
 */
public enum ReplaceStep {
    CREATE_VM, AWAIT_CATCH_UP, SWITCH_CONFIGURATION, DELETE_OLD_VM;

    /** The step after this one; null after the last. */
    public ReplaceStep next() {
        int i = ordinal() + 1;
        return i < values().length ? values()[i] : null;
    }

    /** Whether the dead node is still in the Raft configuration while at this step (the switch not yet done). */
    public boolean beforeSwitch() {
        return this.compareTo(SWITCH_CONFIGURATION) <= 0;
    }
}
