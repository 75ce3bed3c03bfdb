package org.sipmediadeploy.raft;

import java.util.List;
import org.sipmediadeploy.core.testing.NftTable;

/**
 * Random loss on the Raft link between two nodes of a benchmark cluster on loopback, with nftables rules in a table
 * of our own ({@value #TABLE}, an {@link NftTable}: deleted on close, by a shutdown hook, and at start if a killed
 * run left it behind).
 *
 * <p>All nodes listen on 127.0.0.1 and connect from it, so a node's packets are told apart by the socket's group:
 * each node runs with a group id of its own ({@code setpriv --regid}). A connection that node A opens to node B's
 * Raft port (or B to A's) gets a conntrack mark on its first packet; every packet of a marked connection, in both
 * directions (requests, replies, acknowledgements), is then dropped with probability {@code percent} %. Traffic
 * with the third node is untouched.
 */
final class LinkLoss implements AutoCloseable {
    static final String TABLE = "sipmd_raftbench_loss";
    private static final String MARK = "0x51f0";
    private final NftTable table;

    private LinkLoss(NftTable table) {
        this.table = table;
    }

    /** Loss on the link between A (group gidA, Raft port portA) and B. */
    static LinkLoss between(long gidA, int portA, long gidB, int portB, int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("loss must be a percentage: " + percent);
        }
        NftTable table = new NftTable(TABLE);
        table.replace(List.of(
                "meta skgid " + gidA + " ip daddr 127.0.0.1 tcp dport " + portB + " ct mark set " + MARK,
                "meta skgid " + gidB + " ip daddr 127.0.0.1 tcp dport " + portA + " ct mark set " + MARK,
                "ct mark " + MARK + " numgen random mod 100 < " + percent + " counter drop"));
        return new LinkLoss(table);
    }

    /**
     * Every link of one node cut (a partition of that node from the others), in a table of the caller's naming: the
     * connections it opens to the peers' Raft ports and those the peers open to its port {@code port}; its own
     * client's connection to its own server stays up.
     */
    static LinkLoss isolating(String tableName, long gid, int port, List<Integer> peerPorts) {
        NftTable table = new NftTable(tableName);
        StringBuilder peers = new StringBuilder();
        for (int p : peerPorts) {
            peers.append(peers.length() == 0 ? "" : ", ").append(p);
        }
        table.replace(List.of(
                "meta skgid " + gid + " ip daddr 127.0.0.1 tcp dport { " + peers + " } ct mark set " + MARK,
                "meta skgid != " + gid + " ip daddr 127.0.0.1 tcp dport " + port + " ct mark set " + MARK,
                "ct mark " + MARK + " counter drop"));
        return new LinkLoss(table);
    }

    /** The packets dropped so far (the rule's counter), or -1 when it cannot be read. */
    long dropped() {
        return table.packets();
    }

    @Override
    public void close() {
        table.close();
    }
}
