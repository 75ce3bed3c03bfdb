package org.sipmediadeploy.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a test of an e2e class may assume when it starts: one observation of the cluster (faults armed, node cuts,
 * scaler nodes, pair members, open decisions) and what in it is not clean. Pure: {@link CleanStateReader} makes
 * the observation, {@link #dirt()} judges it, so the judgement is unit-tested without a cluster.
 *
 * <p>Clean means: no API fault armed, no path fault, no node cut (nftables table of this cluster gone); every scaler
 * node running, answering its status and following the one leader they all name; every node's copy of the history
 * caught up with what the leader had committed when the observation began (a node that rejoined after a partition
 * and stays behind is a stalled rejoin, reported here rather than as a puzzle in the next test); every pair member
 * alive, not frozen, its traffic normal; no decision still open (PENDING).
 *
 * @param apiFaults the sandbox API faults still armed
 * @param pathFaults the sandbox path faults still set ("server <- source: mode")
 * @param nodeCuts the node cuts (nftables rules) of this cluster still in place
 * @param leaderCommitIndex the commit index the leader reported first (-1 when no node named a leader)
 * @param nodes every scaler node as observed after that
 * @param members every pair member
 * @param openDecisions decision ids of the leader's history whose outcome is still PENDING
 */
record CleanState(
        List<String> apiFaults,
        List<String> pathFaults,
        List<String> nodeCuts,
        long leaderCommitIndex,
        List<Node> nodes,
        List<Member> members,
        List<String> openDecisions) {

    CleanState {
        apiFaults = List.copyOf(apiFaults);
        pathFaults = List.copyOf(pathFaults);
        nodeCuts = List.copyOf(nodeCuts);
        nodes = List.copyOf(nodes);
        members = List.copyOf(members);
        openDecisions = List.copyOf(openDecisions);
    }

    /**
     * A scaler node: its process alive and not stopped ({@code running}); when it answered its status ({@code
     * answers}), the leader it names ("" for none) and its applied index.
     */
    record Node(String id, boolean running, boolean answers, String leaderId, long appliedIndex) {
        static Node silent(String id, boolean running) {
            return new Node(id, running, false, "", -1);
        }
    }

    /** A pair member's instance as the sandbox sees it. */
    record Member(String serverId, boolean alive, boolean frozen, String traffic) {}

    /** What is not clean, one line each; empty when the next test may start on this cluster. */
    List<String> dirt() {
        List<String> d = new ArrayList<>();
        if (!apiFaults.isEmpty()) {
            d.add("API faults still armed: " + apiFaults);
        }
        if (!pathFaults.isEmpty()) {
            d.add("path faults still set: " + pathFaults);
        }
        if (!nodeCuts.isEmpty()) {
            d.add("node cuts still in place: " + nodeCuts);
        }
        Set<String> leaders = new TreeSet<>();
        for (Node n : nodes) {
            if (!n.running()) {
                d.add(n.id() + " is not running (killed, stopped or frozen)");
            } else if (!n.answers()) {
                d.add(n.id() + " does not answer its status");
            } else {
                leaders.add(n.leaderId());
            }
        }
        String leader = leaders.size() == 1 ? leaders.iterator().next() : "";
        if (leader.isEmpty()) {
            d.add("no leader every answering node names: " + leaders);
        } else if (nodes.stream().noneMatch(n -> n.id().equals(leader) && n.answers())) {
            d.add("the named leader " + leader + " does not answer");
        }
        for (Node n : nodes) {
            if (n.answers() && leaderCommitIndex >= 0 && n.appliedIndex() < leaderCommitIndex) {
                d.add(n.id() + " has applied up to index " + n.appliedIndex() + ", behind the leader's commit index "
                        + leaderCommitIndex + ": its history has not caught up");
            }
        }
        if (leaderCommitIndex < 0 && !leader.isEmpty()) {
            d.add("the leader's commit index is unknown");
        }
        for (Member m : members) {
            if (!m.alive()) {
                d.add("pair member " + m.serverId() + " has no running instance");
            } else if (m.frozen()) {
                d.add("pair member " + m.serverId() + " is frozen");
            } else if (!"NORMAL".equals(m.traffic())) {
                d.add("pair member " + m.serverId() + " has its traffic set to " + m.traffic());
            }
        }
        if (!openDecisions.isEmpty()) {
            d.add("decisions still open: " + openDecisions);
        }
        return d;
    }
}
