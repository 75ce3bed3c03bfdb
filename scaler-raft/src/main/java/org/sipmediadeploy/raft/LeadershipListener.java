package org.sipmediadeploy.raft;

/**
 * Leader-only work starts and stops here. Called on one dedicated thread, in order, never on a Ratis thread;
 * implementations must be fast and must not throw (a throw is logged and ignored).
 */
public interface LeadershipListener {
    LeadershipListener NONE = new LeadershipListener() {
        @Override
        public void leaderReady(long term) {}

        @Override
        public void notLeader() {}
    };

    /** This node leads {@code term} and its first entry of the term is applied: earlier entries are applied too. */
    void leaderReady(long term);

    /** This node stopped leading (stepped down, lost an election, or is closing). Stop all leader work now. */
    void notLeader();
}
