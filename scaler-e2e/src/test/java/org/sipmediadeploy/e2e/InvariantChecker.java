package org.sipmediadeploy.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.sipmediadeploy.sandbox.SandboxEvent;
import org.sipmediadeploy.sandbox.TrafficMode;

/**
 * Checks ARCHITECTURE.md §10's invariants over the recorded history of a run: the sandbox event log (every cloud
 * state change, with its time), the replicated decision history (scalerctl history --json) and the nodes' JSON
 * logs (leader-ready lines with their term, committed-decision lines). Returns the violations, empty when all hold.
 *
 * <p>Fencing is checked two ways: an action for a decision of term T must not start after a leader of a later
 * term became ready (plus {@link #FENCING_GRACE} for a call already on the wire); and, since every demo node calls
 * the cloud as its own Keystone user ({@code scaler-N}), the node that made a call must have been a ready leader
 * not yet deposed (same grace) when it made it.
 */
final class InvariantChecker {
    static final Duration FENCING_GRACE = Duration.ofMillis(1500);
    private static final String TAG_KEY = "metadata.sipmediadeploy-decision";

    private final Cluster cluster;
    /** Decision ids seen in an earlier check: they must never disappear (acknowledged, then lost). */
    private final Set<String> acknowledged = new LinkedHashSet<>();

    private final int minHosts;
    private final int maxHosts;

    /** Cloud actions before this instant are not matched to decisions (the state was lost then, see {@link #since}). */
    private Instant since = Instant.MIN;

    /**
     * After a state loss (the Raft storage wiped, the node logs moved aside): cloud actions from {@code t} on are
     * matched to the new history; earlier ones belong to a history that no longer exists.
     */
    void since(Instant t) {
        since = t;
        acknowledged.clear();
    }

    InvariantChecker(Cluster cluster, int minHosts, int maxHosts) {
        this.cluster = cluster;
        this.minHosts = minHosts;
        this.maxHosts = maxHosts;
    }

    /** Records a decision id the cluster acknowledged to a client (e.g. scalerctl failover). */
    void acknowledged(String decisionId) {
        acknowledged.add(decisionId);
    }

    record LeaderTerm(String node, long term, Instant ready) {}

    /** Leader-ready lines of every node's JSON log, by term. */
    List<LeaderTerm> leaderTerms() throws IOException {
        List<LeaderTerm> l = new ArrayList<>();
        for (String node : Cluster.NODES) {
            for (JsonNode line : logLines(node)) {
                String msg = line.path("message").asText("");
                if (msg.startsWith("leader ready in term ")) {
                    l.add(new LeaderTerm(
                            node,
                            Long.parseLong(msg.substring("leader ready in term ".length())
                                    .strip()),
                            Instant.parse(line.path("@timestamp")
                                    .asText(line.path("timestamp").asText()))));
                }
            }
        }
        l.sort((a, b) -> a.ready().compareTo(b.ready()));
        return l;
    }

    /** Committed decision ids from the nodes' logs (decision lines carry decision_id). */
    Set<String> committedInLogs() throws IOException {
        Set<String> ids = new HashSet<>();
        for (String node : Cluster.NODES) {
            for (JsonNode line : logLines(node)) {
                if (line.path("message").asText("").contains(" committed: ") && line.has("decision_id")) {
                    ids.add(line.path("decision_id").asText());
                }
            }
        }
        return ids;
    }

    /** When each decision was logged DONE (earliest node), from the decision log lines. */
    Map<String, Instant> doneTimes() throws IOException {
        Map<String, Instant> m = new HashMap<>();
        for (String node : Cluster.NODES) {
            for (JsonNode line : logLines(node)) {
                if ("DONE".equals(line.path("outcome").asText())
                        && line.path("message").asText("").contains(" DONE: ")) {
                    Instant t = Instant.parse(line.path("@timestamp").asText());
                    m.merge(line.path("decision_id").asText(), t, (a, b) -> a.isBefore(b) ? a : b);
                }
            }
        }
        return m;
    }

    List<JsonNode> logLines(String node) throws IOException {
        List<JsonNode> l = new ArrayList<>();
        for (Path f : List.of(
                cluster.demo.workDir().resolve(node + ".log"),
                cluster.demo.workDir().resolve(node + ".out"))) {
            if (!Files.exists(f)) {
                continue;
            }
            for (String s : Files.readAllLines(f)) {
                if (s.startsWith("{")) {
                    try {
                        l.add(Cluster.JSON.readTree(s));
                    } catch (IOException e) {
                        // a line cut by kill -9: not a record
                    }
                }
            }
            if (!l.isEmpty()) {
                break; // the .log file when it exists, else the console copy
            }
        }
        return l;
    }

    static boolean scalerCall(SandboxEvent e) {
        return e.user() != null
                && !e.user().isEmpty()
                && !"sandbox".equals(e.user())
                && !"control".equals(e.user())
                && e.status() >= 200
                && e.status() < 300
                && e.ok();
    }

    /** True when {@code node} led a term, ready at or before {@code at}, not superseded by then (within the grace). */
    static boolean leadingAt(List<LeaderTerm> terms, String node, Instant at) {
        for (LeaderTerm t : terms) {
            if (!t.node().equals(node) || t.ready().isAfter(at)) {
                continue;
            }
            boolean deposed = false;
            for (LeaderTerm later : terms) {
                if (later.term() > t.term() && at.isAfter(later.ready().plus(FENCING_GRACE))) {
                    deposed = true;
                    break;
                }
            }
            if (!deposed) {
                return true;
            }
        }
        return false;
    }

    /** The latest term {@code node} led, ready at or before {@code at}; -1 when none. */
    static long termLedAt(List<LeaderTerm> terms, String node, Instant at) {
        long max = -1;
        for (LeaderTerm t : terms) {
            if (t.node().equals(node) && !t.ready().isAfter(at)) {
                max = Math.max(max, t.term());
            }
        }
        return max;
    }

    /** Runs every check; {@code converged} adds the end-state checks (floating IPs, orphans, min hosts). */
    List<String> check(boolean converged) throws IOException {
        List<String> v = new ArrayList<>();
        List<JsonNode> history = cluster.history();
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode d : history) {
            byId.put(d.path("decision_id").asText(), d);
        }
        List<SandboxEvent> events = cluster.sandbox().events().events();
        List<LeaderTerm> terms = leaderTerms();
        Map<String, Instant> done = doneTimes();

        // one leader per term
        Map<Long, String> leaderOf = new TreeMap<>();
        for (LeaderTerm t : terms) {
            String prev = leaderOf.putIfAbsent(t.term(), t.node());
            if (prev != null && !prev.equals(t.node())) {
                v.add("two leaders in term " + t.term() + ": " + prev + " and " + t.node());
            }
        }

        // server ids -> names, fixed ips -> server ids, from the event log
        Map<String, String> nameOf = new HashMap<>();
        Map<String, String> serverOfFixed = new HashMap<>();
        for (SandboxEvent e : events) {
            if (e.kind().equals("server.create") && e.ok()) {
                nameOf.put(e.target(), e.details().get("name"));
            }
        }
        // 1. every cloud action matches exactly one committed decision, executed in its leader's term
        Map<String, Integer> uses = new HashMap<>();
        for (SandboxEvent e : events) {
            if (e.kind().equals("server.active") && e.details().containsKey("fixed_ip")) {
                // the address a server had when the move happened (fixed IPs are reused after a delete)
                serverOfFixed.put(e.details().get("fixed_ip"), e.target());
            }
            if (!scalerCall(e) || e.time().isBefore(since)) {
                continue;
            }
            String decision = null;
            if (e.kind().equals("server.create")) {
                decision = e.details().get(TAG_KEY);
                JsonNode d = decision == null ? null : byId.get(decision);
                if (d == null
                        || !List.of("CreateHost", "ReplaceMember")
                                .contains(d.path("kind").asText())) {
                    v.add("server create " + e.target() + " (" + e.details().get("name") + ") matches no committed "
                            + "CreateHost/ReplaceMember decision: " + decision);
                    continue;
                }
            } else if (e.kind().equals("server.delete")) {
                decision = matchDelete(history, e, nameOf.get(e.target()));
                if (decision == null) {
                    v.add("server delete " + e.target() + " (" + nameOf.get(e.target()) + ") at " + e.time()
                            + " matches no committed decision");
                    continue;
                }
            } else if (e.kind().equals("floatingip.update")) {
                String to = serverOfFixed.get(e.details().getOrDefault("fixed_ip", ""));
                decision = matchMove(history, e, to, uses, done);
                if (decision == null) {
                    v.add("floating IP " + e.details().get("address") + " moved to " + to + " at " + e.time()
                            + " matching no committed Failover/Reassociate");
                    continue;
                }
            } else {
                continue;
            }
            // a ReplaceMember deletes the failed member and creates its replacement: one use per kind of action
            uses.merge(decision + " " + e.kind(), 1, Integer::sum);
            JsonNode d = byId.get(decision);
            long term = d.path("term").asLong();
            if (!leaderOf.containsKey(term)) {
                v.add("decision " + decision + " of term " + term + " but no node became leader in that term");
            }
            if (e.user().startsWith("scaler-")) {
                // A leader also finishes the decisions its predecessors left open (under their committed
                // conditions): the call must come from a ready leader not yet deposed, of the decision's term or later.
                if (!leadingAt(terms, e.user(), e.time())) {
                    v.add(e.kind() + " " + e.target() + " at " + e.time() + " for decision " + decision + " made by "
                            + e.user() + ", which was not the leader then: a deposed or never-elected node acted");
                } else if (termLedAt(terms, e.user(), e.time()) < term) {
                    v.add(e.kind() + " " + e.target() + " at " + e.time() + " for decision " + decision + " of term "
                            + term + " made by " + e.user() + " as the leader of an earlier term");
                }
                continue;
            }
            // Calls not made by a scaler node's own user: fenced by the terms that followed the decision's.
            for (LeaderTerm t : terms) {
                if (t.term() > term && e.time().isAfter(t.ready().plus(FENCING_GRACE))) {
                    v.add(e.kind() + " " + e.target() + " at " + e.time() + " for decision " + decision + " of term "
                            + term + " after " + t.node() + " led term " + t.term() + " from " + t.ready()
                            + ": a deposed leader acted (fencing)");
                    break;
                }
            }
        }
        uses.forEach((key, n) -> {
            if (n > 1) {
                String id = key.substring(0, key.indexOf(' '));
                v.add("decision " + id + " (" + byId.get(id).path("kind").asText() + ") carried out " + n + " times ("
                        + key.substring(key.indexOf(' ') + 1) + ")");
            }
        });

        // 4. gateway hosts within [min, max] over time; no busy host deleted
        Set<String> gateways = new HashSet<>();
        Map<String, Integer> busy = new HashMap<>();
        int live = 0;
        boolean reachedMin = false;
        for (SandboxEvent e : events) {
            if (e.kind().equals("server.create")
                    && e.ok()
                    && "gateways".equals(e.details().get("metadata.sipmediadeploy-group"))) {
                gateways.add(e.target());
                live++;
                if (live > maxHosts) {
                    v.add("gateway hosts " + live + " > max " + maxHosts + " at " + e.time());
                }
            } else if (e.kind().equals("server.delete") && gateways.remove(e.target())) {
                live--;
                if (reachedMin && live < minHosts) {
                    v.add("gateway hosts " + live + " < min " + minHosts + " at " + e.time());
                }
                if (busy.getOrDefault(e.target(), 0) > 0) {
                    v.add("busy gateway host " + e.target() + " (" + busy.get(e.target()) + " calls) deleted at "
                            + e.time());
                }
            } else if (e.kind().equals("gateway.call.start") && e.ok()) {
                busy.merge(e.target(), 1, Integer::sum);
            } else if (e.kind().equals("gateway.call.end") && e.ok()) {
                busy.merge(e.target(), -1, Integer::sum);
            }
            reachedMin |= live >= minHosts;
        }

        // 5. no decision lost: acknowledged earlier, committed in a log -> still in the replicated history
        Set<String> committed = committedInLogs();
        for (String id : committed) {
            if (!byId.containsKey(id) && history.size() < 500) {
                v.add("decision " + id + " committed (in a node's log) but missing from the history");
            }
        }
        for (String id : acknowledged) {
            if (!byId.containsKey(id) && history.size() < 500) {
                v.add("acknowledged decision " + id + " lost from the history");
            }
        }
        acknowledged.addAll(byId.keySet());

        if (converged) {
            v.addAll(checkEndState(nameOf));
        }
        return v;
    }

    private static String matchDelete(List<JsonNode> history, SandboxEvent e, String name) {
        for (JsonNode d : history) {
            String kind = d.path("kind").asText();
            JsonNode det = d.path("details");
            boolean match = switch (kind) {
                case "DeleteHost" ->
                    name != null && name.equals(det.path("host").asText());
                case "DeleteOrphan" -> e.target().equals(det.path("server_id").asText());
                case "ReplaceMember" ->
                    e.target().equals(det.path("failed_server_id").asText());
                default -> false;
            };
            if (match) {
                return d.path("decision_id").asText();
            }
        }
        return null;
    }

    /**
     * The Failover/Reassociate to {@code to} that the leader logged DONE first at or after the move (the move is
     * the last step of carrying it out), not matched yet. proposed_at is not a wall clock comparable with the
     * sandbox's, and a decision that FAILED has no move: matching by log order alone would pair a later move with
     * it.
     */
    private static String matchMove(
            List<JsonNode> history, SandboxEvent e, String to, Map<String, Integer> uses, Map<String, Instant> done) {
        String best = null;
        Instant bestAt = null;
        for (JsonNode d : history) {
            String kind = d.path("kind").asText();
            JsonNode det = d.path("details");
            String target = kind.equals("Failover")
                    ? det.path("to_server_id").asText()
                    : kind.equals("Reassociate") ? det.path("server_id").asText() : null;
            String id = d.path("decision_id").asText();
            Instant at = done.get(id);
            if (target == null
                    || !target.equals(to)
                    || at == null
                    || uses.containsKey(id + " " + e.kind())
                    || at.isBefore(e.time().minusMillis(100))) {
                continue;
            }
            if (bestAt == null || at.isBefore(bestAt)) {
                best = id;
                bestAt = at;
            }
        }
        return best;
    }

    /** 2 and 3 and the min bound, once the cluster has converged. */
    private List<String> checkEndState(Map<String, String> nameOf) {
        List<String> v = new ArrayList<>();
        JsonNode s = cluster.status();
        Set<String> known = new HashSet<>();
        for (JsonNode p : s.path("pairs")) {
            String fip = p.path("floating_ip").asText(null);
            String address = fip;
            if (address == null || address.isEmpty()) {
                address = p.path("name").asText().equals("kamailio")
                        ? cluster.demo.kamailio().floatingAddress()
                        : cluster.demo.coturn().floatingAddress();
            }
            List<String> healthy = new ArrayList<>();
            for (String m : List.of("active", "standby")) {
                String id = p.path(m).path("server_id").asText("");
                if (id.isEmpty()) {
                    continue;
                }
                known.add(id);
                if (cluster.sandbox().serverStatus(id) != null
                        && cluster.sandbox().instanceAlive(id)
                        && !cluster.sandbox().instanceFrozen(id)
                        && cluster.sandbox().traffic(id) == TrafficMode.NORMAL) {
                    healthy.add(cluster.sandbox().fixedAddress(id));
                }
            }
            String target = cluster.sandbox().floatingTarget(address);
            if (!healthy.isEmpty() && !healthy.contains(target)) {
                v.add("floating IP " + address + " of " + p.path("name").asText() + " on " + target
                        + " while healthy members are " + healthy);
            }
            if (!healthy.isEmpty()) {
                Probe.Kind kind = p.path("name").asText().equals("kamailio") ? Probe.Kind.SIP : Probe.Kind.STUN;
                boolean ok = false;
                for (int i = 0; i < 5 && !ok; i++) {
                    ok = Probe.once(kind, address, kind == Probe.Kind.SIP ? 5060 : 3478, 500)
                            .ok();
                }
                if (!ok) {
                    v.add("no reply through floating IP " + address + " of "
                            + p.path("name").asText());
                }
            }
        }
        int hosts = 0;
        for (JsonNode pool : s.path("pools")) {
            for (JsonNode h : pool.path("hosts")) {
                String id = h.path("server_id").asText("");
                if (!id.isEmpty()) {
                    known.add(id);
                }
                hosts++;
            }
        }
        if (hosts < minHosts || hosts > maxHosts) {
            v.add("pool has " + hosts + " hosts, outside [" + minHosts + ", " + maxHosts + "]");
        }
        for (String id : nameOf.keySet()) {
            String st = cluster.sandbox().serverStatus(id);
            if (st != null && !deleting(id) && !known.contains(id)) {
                v.add("orphan server " + id + " (" + nameOf.get(id) + ", " + st + ") unknown to the state");
            }
        }
        return v;
    }

    private boolean deleting(String id) {
        for (SandboxEvent e : cluster.sandbox().events().ofKind("server.delete")) {
            if (id.equals(e.target()) && e.ok()) {
                return true;
            }
        }
        return false;
    }
}
