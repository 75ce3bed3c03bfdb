package org.sipmediadeploy.demo;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What sets one demo node apart from another as if each were on its own VM: its loopback address, its Keystone
 * user and, when {@code ownGroups}, its group id.
 */
record NodeIdentities(int addressBlock, boolean ownGroups) {
    static final String SETPRIV = "/usr/bin/setpriv";

    /** Own groups need root (to set them) and {@code setpriv} (to start a node with one). */
    static NodeIdentities forBlock(int addressBlock) {
        return new NodeIdentities(
                addressBlock, "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of(SETPRIV)));
    }

    /** Node {@code scaler-N}'s own loopback address, 127.B.30.N: its probes' source and its Raft server's host. */
    String nodeAddress(String id) {
        return "127." + addressBlock + ".30." + nodeIndex(id);
    }

    /** The Keystone user node {@code id} calls the cloud as. */
    String cloudUser(String id) {
        nodeIndex(id);
        return id;
    }

    /**
     * The group id node {@code id} runs with (47000 + 10 B + N), or -1 when the nodes run with the caller's group
     * (not root, or no setpriv).
     */
    long nodeGid(String id) {
        return ownGroups ? 47000L + 10L * addressBlock + nodeIndex(id) : -1;
    }

    private static int nodeIndex(String id) {
        // scaler-1..3 start the cluster; scaler-4..9 are nodes a test adds later (membership, self-healing)
        if (!id.matches("scaler-[1-9]")) {
            throw new IllegalArgumentException("no demo node " + id);
        }
        return Integer.parseInt(id.substring("scaler-".length()));
    }
}
