package org.sipmediadeploy.core.policy;

/**
 * How many scaler nodes see a target down: {@code seeDown} of {@code clusterSize} (the asking node included).
 * Nodes that did not answer count as not seeing it down.
 */
public record Confirmation(int seeDown, int clusterSize) {
    public Confirmation {
        if (clusterSize < 1 || seeDown < 0 || seeDown > clusterSize) {
            throw new IllegalArgumentException("bad confirmation " + seeDown + "/" + clusterSize);
        }
    }

    public boolean isMajority() {
        return seeDown > clusterSize / 2;
    }

    @Override
    public String toString() {
        return seeDown + "/" + clusterSize + " nodes";
    }
}
