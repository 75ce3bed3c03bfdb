package org.sipmediadeploy.raft;

/**
 * Whether this node is in the Raft configuration.
 *
 * <pre>
 * MEMBER   in the configuration: votes, may lead, probes and acts as usual
 * JOINING  started outside the current configuration with an empty log: waits for the leader to add it
 *          (scalerctl members add / replace); it never votes or leads until then
 * REMOVED  the configuration no longer includes it (its own latest configuration, or the one the current
 *          leader reports): it must stop acting
 *
 * JOINING --added by the leader--> MEMBER --removed--> REMOVED --added again--> MEMBER
 * </pre>
 */
public enum SelfMembership {
    MEMBER,
    JOINING,
    REMOVED
}
