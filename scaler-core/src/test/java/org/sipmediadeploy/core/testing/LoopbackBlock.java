package org.sipmediadeploy.core.testing;

/**
 * The loopback blocks 127.B.0.0/16 that tests bind to, one per test class, so tests of different modules run side by
 * side (several engineers, a parallel build) without taking each other's addresses. A sandbox cloud given block B
 * puts its servers on 127.B.x.y; a test's own scaler nodes or Raft servers use {@link #host}. Add a constant here
 * rather than a number in a test: {@code LoopbackBlockTest} keeps the blocks distinct.
 */
public enum LoopbackBlock {
    /** In-JVM Ratis servers changing their membership (scaler-raft). */
    RAFT_MEMBERSHIP(64),
    /** The rolling restart of a three-node cluster (scaler-e2e). */
    ROLLING_RESTART(65),
    /** The fault matrix (scaler-e2e). */
    FAULT_MATRIX(42),
    /** The randomized fault run (scaler-e2e). */
    RANDOMIZED_FAULTS(43),
    /** The partition scenarios (scaler-e2e). */
    PARTITION_FAULTS(82),
    /** The state-loss scenario (scaler-e2e). */
    STATE_LOSS(93);

    private final int second;

    LoopbackBlock(int second) {
        this.second = second;
    }

    /** B in 127.B.0.0/16. */
    public int number() {
        return second;
    }

    /** 127.B.c.d: an address of this block. */
    public String host(int c, int d) {
        if (c < 0 || c > 255 || d < 1 || d > 254) {
            throw new IllegalArgumentException("no such host in 127." + second + ".0.0/16: " + c + "." + d);
        }
        return "127." + second + "." + c + "." + d;
    }
}
