package org.sipmediadeploy.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Reads a {@link CleanState} off a running {@link Cluster}: the sandbox, the nodes' status and history, nftables. */
final class CleanStateReader {
    private CleanStateReader() {}

    /**
     * One observation of everything a test may assume clean ({@link CleanState}). The leader's commit index is read
     * before every node's applied index, so "caught up" compares against an index the leader had already committed.
     */
    static CleanState read(Cluster c) {
        List<String> apiFaults = new ArrayList<>();
        c.sandbox().apiFaults().armed().forEach(f -> apiFaults.add(f.toString()));
        JsonNode s = null;
        String leader = null;
        long leaderCommit = -1;
        for (String n : c.reachable()) {
            try {
                String l = c.status(n).path("node").path("leader_id").asText("");
                if (!l.isEmpty() && c.reachable().contains(l)) {
                    leader = l;
                    break;
                }
            } catch (RuntimeException e) {
                // judged below
            }
        }
        if (leader != null) {
            try {
                s = c.status(leader);
                leaderCommit = s.path("node").path("commit_index").asLong(-1);
            } catch (RuntimeException e) {
                leader = null;
            }
        }
        List<CleanState.Node> nodes = new ArrayList<>();
        for (String n : Cluster.NODES) {
            Process p = c.demo.nodes().get(n);
            boolean running = p != null && p.isAlive() && c.reachable().contains(n);
            if (!running) {
                nodes.add(CleanState.Node.silent(n, false));
                continue;
            }
            try {
                JsonNode node = c.status(n).path("node");
                nodes.add(new CleanState.Node(
                        n,
                        true,
                        true,
                        node.path("leader_id").asText(""),
                        node.path("applied_index").asLong(-1)));
            } catch (RuntimeException e) {
                nodes.add(CleanState.Node.silent(n, true));
            }
        }
        List<String> pathFaults = new ArrayList<>();
        List<CleanState.Member> members = new ArrayList<>();
        for (String server : c.pairServers(s)) {
            if (c.sandbox().serverStatus(server) == null || !c.sandbox().hasInstance(server)) {
                continue; // replaced and deleted: no longer a member
            }
            c.sandbox()
                    .pathFaults(server)
                    .forEach((from, fault) -> pathFaults.add(server + " <- " + from + ": " + fault));
            members.add(new CleanState.Member(
                    server,
                    c.sandbox().instanceAlive(server),
                    c.sandbox().instanceFrozen(server),
                    c.sandbox().traffic(server).name()));
        }
        List<String> open = new ArrayList<>();
        if (leader != null) {
            for (JsonNode d : c.history()) {
                if ("PENDING".equals(d.path("outcome").asText())) {
                    open.add(d.path("decision_id").asText() + " ("
                            + d.path("kind").asText() + ")");
                }
            }
        }
        return new CleanState(apiFaults, pathFaults, c.nodeCuts(), leaderCommit, nodes, members, open);
    }
}
