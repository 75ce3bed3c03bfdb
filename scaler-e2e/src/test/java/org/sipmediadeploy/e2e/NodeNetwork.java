package org.sipmediadeploy.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sipmediadeploy.core.testing.NftTable;
import org.sipmediadeploy.demo.DemoCluster;

/**
 * Cuts between scaler nodes (their Raft traffic) and between one node and the cloud API, with nftables rules in a
 * table of our own ({@code inet sipmd_e2e_bB}, one per loopback block, an {@link NftTable}) that match only the
 * nodes' loopback addresses and ports. The table is deleted when healed, on close, by a shutdown hook, and at start
 * if a killed run left it behind.
 *
 * <p>Why a packet filter and not a userspace proxy: Ratis' gRPC channels take the peer address from the replicated
 * group configuration (a per-node proxy address would be overwritten by the leader's configuration entry) and
 * ignore proxy settings, so a proxy cannot sit on one node's paths only. A node's Raft server is told apart by its
 * address and port (127.B.30.N:P); its outgoing connections all leave from 127.0.0.1 (the kernel's source for
 * local routes), so they are told apart by the socket's group: each node runs with a group id of its own
 * ({@link DemoCluster#nodeGid}, still as root). A cut drops packets (a partition: TCP hangs, no reset).
 */
final class NodeNetwork implements AutoCloseable {
    private final DemoCluster demo;
    private final NftTable table;
    private final Map<String, List<String>> rules = new LinkedHashMap<>();

    NodeNetwork(DemoCluster demo, int block) {
        this.demo = demo;
        for (String n : Cluster.NODES) {
            if (demo.nodeGid(n) < 0) {
                throw new IllegalStateException("node cuts need the scaler nodes to run with their own group: run "
                        + "the tests as root with /usr/bin/setpriv and nft installed");
            }
        }
        this.table = new NftTable("sipmd_e2e_b" + block); // deletes one a killed run left behind
    }

    /** Drops node's Raft traffic to and from every other node, in both directions (it keeps its own). */
    synchronized void isolateFromPeers(String node) {
        List<String> r = new ArrayList<>();
        for (String peer : Cluster.NODES) {
            if (!peer.equals(node)) {
                r.add(cutRule(node, peer));
                r.add(cutRule(peer, node));
            }
        }
        rules.put("isolate " + node, r);
        apply();
    }

    /** Drops the Raft traffic from node {@code from} to node {@code to} (its connections to {@code to}'s server). */
    private String cutRule(String from, String to) {
        return "meta skgid " + demo.nodeGid(from) + " ip daddr " + demo.nodeAddress(to) + " tcp dport "
                + demo.raftPort(to) + " drop";
    }

    /** Drops node's calls to the sandbox's API port (one node cut off from the cloud). */
    synchronized void cutFromCloud(String node, int apiPort) {
        rules.put(
                "cloud " + node,
                List.of("meta skgid " + demo.nodeGid(node) + " ip daddr 127.0.0.1 tcp dport " + apiPort + " drop"));
        apply();
    }

    boolean isCut() {
        return !rules.isEmpty();
    }

    /**
     * The cuts in place: the ones this instance made and, whatever it believes, the kernel's table of this block if
     * it still exists (a heal that did not delete it would leave a node cut off).
     */
    synchronized List<String> cuts() {
        List<String> l = new ArrayList<>(rules.keySet());
        if (table.exists()) {
            l.add("nftables table inet " + table.name());
        }
        return l;
    }

    /** Removes every cut. */
    synchronized void heal() {
        rules.clear();
        table.clear();
    }

    private void apply() {
        table.replace(rules.values().stream().flatMap(List::stream).toList());
    }

    @Override
    public synchronized void close() {
        rules.clear();
        table.close();
    }
}
