package org.sipmediadeploy.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.sipmediadeploy.sandbox.ApiFault;
import org.sipmediadeploy.sandbox.SandboxEvent;

/**
 * The randomized run's faults where the leader could do harm to the cloud: one node's API calls held, a slow Nova
 * during a failover, a pair that cannot bootstrap, and a restored empty state. Each is bounded in time and count,
 * asserts what must hold right after it, and leaves the configuration as it found it (the caller then restores the
 * rest of the world). The invariant checker covers the rest: no cloud action by a deposed leader, every delete
 * matched to a committed decision.
 */
final class HarmFaults {
    /**
     * How long the service may be away through a floating IP after its member is killed, while every Nova call is
     * slower than this: a failover that waited for one Nova read would miss it (p99 is under 2 s unloaded).
     */
    static final Duration FAILOVER_BOUND = Duration.ofSeconds(15);

    /** A wiped cluster restarts three JVMs, elects, bootstraps and adopts: generous on a shared 2-core machine. */
    private static final Duration RESTART_BOUND = Duration.ofMinutes(4);

    private final Cluster c;
    private final InvariantChecker checker;
    private final Random rnd;

    HarmFaults(Cluster c, InvariantChecker checker, Random rnd) {
        this.c = c;
        this.checker = checker;
        this.rnd = rnd;
    }

    /**
     * One node's cloud calls (every operation, its Keystone user only) are held 4–10 s then dropped unanswered, at
     * most 2–4 times, while the active Kamailio is killed. The floating IP must still leave the killed member: if
     * the node leads, through its retries once the count is spent (or a new leader); otherwise the leader is not
     * affected at all.
     */
    Instant apiTimeoutsForOneNode(String leader) {
        String node = rnd.nextBoolean() ? leader : Cluster.NODES.get(rnd.nextInt(Cluster.NODES.size()));
        Duration hold = Duration.ofSeconds(4 + rnd.nextInt(7));
        int count = 2 + rnd.nextInt(3);
        System.out.println("  API timeouts for " + node + (node.equals(leader) ? " (the leader)" : "") + ": " + count
                + " x " + hold);
        c.sandbox().apiFaults().add(ApiFault.timeout("*", hold, count).forUser(c.demo.cloudUser(node)));
        String active = c.member("kamailio", "active");
        c.sandbox().kill(active);
        try {
            await().atMost(hold.multipliedBy(count).plusSeconds(45))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> {
                        String on = c.floatingServer("kamailio");
                        return on != null && !on.equals(active);
                    });
        } finally {
            c.sandbox().apiFaults().clear();
        }
        return Instant.now();
    }

    /**
     * Every Nova server call (create, get, list, delete) answers 20–30 s late while the active Kamailio or Coturn is
     * killed: the service must be back through the floating IP within {@link #FAILOVER_BOUND}, since the pair lane
     * (probing, deciding, moving the floating IP) never waits for the inventory.
     */
    Instant slowNovaDuringFailover(TrafficRecorder traffic) {
        String pair = rnd.nextBoolean() ? "kamailio" : "coturn";
        Probe.Kind kind = pair.equals("kamailio") ? Probe.Kind.SIP : Probe.Kind.STUN;
        Duration slow = Duration.ofSeconds(20 + rnd.nextInt(11));
        System.out.println("  Nova server calls " + slow + " late, " + pair + " killed");
        c.sandbox().apiFaults().add(ApiFault.latency("server.*", slow));
        try {
            String active = c.member(pair, "active");
            Instant killed = Instant.now();
            c.sandbox().kill(active);
            // the floating IP leaves the killed member, then a request sent after that is answered, in the bound
            await().atMost(FAILOVER_BOUND)
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions()
                    .until(() -> {
                        String on = c.floatingServer(pair);
                        return on != null && !on.equals(active);
                    });
            Instant moved = Instant.now();
            await().atMost(FAILOVER_BOUND.minus(Duration.between(killed, moved)).plusSeconds(1))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> traffic.firstOkAfter(kind, moved) != null);
            System.out.println("  " + pair + " moved after " + Duration.between(killed, moved) + ", answered after "
                    + Duration.between(killed, traffic.firstOkAfter(kind, moved).sent()));
        } finally {
            c.sandbox().apiFaults().clear();
        }
        return Instant.now();
    }

    /**
     * The three nodes restarted with their Raft state wiped and one pair's floating IP mistyped: the pair cannot
     * bootstrap. Its alarm must be raised and no server deleted (the orphan sweep must not take the pair's members
     * or the gateway hosts for orphans); once the floating IP is corrected (a second restart, state kept) the pair
     * bootstraps, the gateway hosts are adopted and nothing was deleted.
     */
    Instant pairThatCannotBootstrap(int step) throws IOException {
        String pair = rnd.nextBoolean() ? "kamailio" : "coturn";
        String floating = c.floating(pair);
        String mistyped = floating.substring(0, floating.lastIndexOf('.') + 1) + "251";
        String right = "floating-ip = \"" + floating + "\"";
        String wrong = "floating-ip = \"" + mistyped + "\"";
        System.out.println("  state wiped, " + pair + " floating IP mistyped as " + mistyped);
        List<String> gateways = c.liveGatewayServers();
        UnaryOperator<String> namesNow = currentMemberNames();
        Instant wiped =
                c.restartAllNodes(true, conf -> replaceOnce(namesNow.apply(conf), right, wrong), "step-" + step);
        checker.since(wiped);
        try {
            await().atMost(RESTART_BOUND)
                    .pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions()
                    .until(() -> c.alarm(pair).contains(mistyped + " not found"));
            // several inventory and sweep passes with the pair unknown to the state
            await().during(Duration.ofSeconds(10 + rnd.nextInt(11)))
                    .atMost(Duration.ofSeconds(35))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> c.deletesSince(wiped).isEmpty());
        } finally {
            c.restartAllNodes(false, conf -> conf.replace(wrong, right), "");
        }
        awaitRecoveredWithoutDeletes(wiped, gateways);
        return Instant.now();
    }

    /**
     * The three nodes restarted with their Raft state wiped, configuration right (a restore from nothing): no
     * server deleted, both pairs initialised again on the same members, the gateway hosts adopted.
     */
    Instant restoredEmptyState(int step) throws IOException {
        Map<String, List<String>> members = new TreeMap<>();
        for (String pair : List.of("kamailio", "coturn")) {
            members.put(pair, pairMembers(pair));
        }
        List<String> gateways = c.liveGatewayServers();
        System.out.println("  state wiped, config right; members " + members + ", gateway hosts " + gateways);
        Instant wiped = c.restartAllNodes(true, currentMemberNames(), "step-" + step);
        checker.since(wiped);
        awaitRecoveredWithoutDeletes(wiped, gateways);
        for (String pair : members.keySet()) {
            assertEquals(
                    members.get(pair).stream().sorted().toList(),
                    pairMembers(pair).stream().sorted().toList(),
                    pair + " initialised again on the members it had");
        }
        return Instant.now();
    }

    private void awaitRecoveredWithoutDeletes(Instant wiped, List<String> gateways) {
        c.awaitHealthy(RESTART_BOUND);
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .untilAsserted(() -> assertTrue(
                        c.poolServers().containsAll(gateways),
                        "gateway hosts from before " + gateways + " adopted: " + c.poolServers()));
        assertEquals(List.of(), c.deletesSince(wiped), "no server deleted after the state was lost");
    }

    private List<String> pairMembers(String pair) {
        JsonNode p = Cluster.pair(c.status(c.awaitLeader()), pair);
        List<String> ids = new ArrayList<>();
        for (String role : List.of("active", "standby")) {
            String id = p.path(role).path("server_id").asText("");
            assertNotEquals("", id, pair + " has its " + role + " member: " + p);
            ids.add(id);
        }
        return ids;
    }

    /**
     * The pairs' {@code members} lines naming the members as they are now. A member replaced by the scaler has a
     * new name; the configuration that a restore from an empty state starts from must name it (bootstrap finds a
     * pair's members by their configured names).
     */
    private UnaryOperator<String> currentMemberNames() {
        Map<String, String> lines = new TreeMap<>();
        for (String pair : List.of("kamailio", "coturn")) {
            List<String> names = new ArrayList<>();
            for (String id : pairMembers(pair)) {
                names.add("\"" + serverName(id) + "\"");
            }
            lines.put(pair, "members = [" + String.join(", ", names) + "]");
        }
        return conf -> {
            String out = conf;
            for (Map.Entry<String, String> e : lines.entrySet()) {
                int at = out.indexOf(e.getKey() + " {");
                int from = out.indexOf("members = [", at);
                int to = out.indexOf(']', from) + 1;
                if (at < 0 || from < 0) {
                    throw new IllegalStateException("no members line for " + e.getKey() + " in the configuration");
                }
                out = out.substring(0, from) + e.getValue() + out.substring(to);
            }
            return out;
        };
    }

    private String serverName(String id) {
        for (SandboxEvent e : c.sandbox().events().ofKind("server.create")) {
            if (e.ok() && id.equals(e.target()) && e.details().get("name") != null) {
                return e.details().get("name");
            }
        }
        throw new IllegalStateException("no create event names server " + id);
    }

    private static String replaceOnce(String conf, String from, String to) {
        if (!conf.contains(from)) {
            throw new IllegalStateException("the configuration has no " + from);
        }
        return conf.replace(from, to);
    }
}
