package org.sipmediadeploy.core.decision;

/**
 * Where a committed decision stands.
 *
 * <pre>
 * PENDING --leader carried it out--> DONE
 * PENDING --cloud refused / gave up--> FAILED
 * PENDING --dry-run mode--> SKIPPED
 * PENDING --a later leader found it moot--> ABANDONED
 * </pre>
 * Decisions that do not act on the cloud are DONE as soon as they are committed.
 */
public enum Outcome {
    PENDING,
    DONE,
    FAILED,
    SKIPPED,
    ABANDONED;

    public boolean isFinal() {
        return this != PENDING;
    }
}
