package org.sipmediadeploy.daemon.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.decision.Outcome;
import org.sipmediadeploy.core.model.Host;
import org.sipmediadeploy.core.model.HostState;
import org.sipmediadeploy.core.model.Member;
import org.sipmediadeploy.core.model.PairMode;
import org.sipmediadeploy.core.model.PairState;
import org.sipmediadeploy.core.model.PoolState;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.policy.Alarm;
import org.sipmediadeploy.core.policy.TargetHealth;

/**
 * A backend with one pair {@code kamailio} (members kam-a active, kam-b standby; kam-b fails its probe), one pool
 * {@code gateways} with hosts gw-1 (READY) and gw-2 (DRAINING), and a few decisions. Records the calls it gets.
 */
final class FakeAdminBackend implements AdminBackend {
    static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");

    final List<String> calls = new CopyOnWriteArrayList<>();
    volatile boolean live = true;
    volatile boolean ready = true;
    volatile boolean leader = true;
    volatile RuntimeException failWith;

    @Override
    public StatusView status() {
        fail();
        PairState pair = new PairState(
                "kamailio",
                List.of(
                        new Member("srv-a", "kam-a", "port-a", "10.0.0.11"),
                        new Member("srv-b", "kam-b", "port-b", "10.0.0.12")),
                "srv-a",
                "fip-1",
                "203.0.113.10",
                PairMode.AUTO,
                List.of(),
                null);
        TargetHealth upA = TargetHealth.NEVER_PROBED.next(ProbeResult.up(Duration.ofMillis(3), "200 OK", T0));
        TargetHealth downB =
                TargetHealth.NEVER_PROBED.next(ProbeResult.down(Duration.ofMillis(400), "timeout after 400 ms", T0));
        PoolState pool = PoolState.empty("gateways")
                .withHost(new Host("gw-1", "srv-g1", "10.0.1.1", HostState.READY, T0, T0, "d1-1"))
                .withHost(new Host("gw-2", "srv-g2", "10.0.1.2", HostState.DRAINING, T0, T0, "d1-2"));
        return new StatusView(
                new StatusView.NodeInfo("n1", StatusView.Role.LEADER, 7, 42, 42, "n1"),
                List.of(
                        new StatusView.PeerInfo("n2", "127.0.1.2:9870", false, T0),
                        new StatusView.PeerInfo("n3", "127.0.1.3:9870", false, null)),
                List.of(StatusView.pair(
                        pair,
                        serverId -> serverId.equals("srv-a")
                                ? List.of(StatusView.probe("sip-udp://10.0.0.11:5060", upA))
                                : List.of(StatusView.probe("sip-udp://10.0.0.12:5060", downB)))),
                List.of(StatusView.pool(pool, host -> host.equals("gw-1") ? 3 : null)),
                List.of(StatusView.alarm(new Alarm("kamailio", "standby kam-b fails its probe"))));
    }

    @Override
    public List<DecisionRecord> history(int limit) {
        fail();
        calls.add("history " + limit);
        List<DecisionRecord> all = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            Decision d = new Decision.CreateHost("d7-" + i, "gateways", "gw-" + i, "below spare target");
            all.add(new DecisionRecord(
                    d,
                    7,
                    10 + i,
                    T0.plusSeconds(i),
                    Outcome.DONE,
                    "created",
                    T0.plusSeconds(i + 1),
                    Map.of("server_id", "srv-" + i)));
        }
        all.add(new DecisionRecord(
                new Decision.Failover("d7-9", "kamailio", "srv-a", "srv-b", "active down"),
                7,
                30,
                T0,
                Outcome.PENDING,
                "",
                null,
                Map.of()));
        return all;
    }

    @Override
    public ActionResult failover(String pair, Optional<String> toMember) {
        fail();
        calls.add("failover " + pair + " " + toMember.orElse("-"));
        if (!leader) {
            return new ActionResult.Unavailable("no leader");
        }
        if (!pair.equals("kamailio")) {
            return new ActionResult.NotFound("no pair " + pair);
        }
        if (toMember.isPresent() && toMember.get().equals("kam-b")) {
            return new ActionResult.Refused("kam-b fails its probe: timeout after 400 ms");
        }
        return new ActionResult.Accepted("d7-10", "failover to " + toMember.orElse("standby") + " committed");
    }

    @Override
    public ActionResult pausePool(String pool) {
        return poolAction("pause", pool);
    }

    @Override
    public ActionResult resumePool(String pool) {
        return poolAction("resume", pool);
    }

    private ActionResult poolAction(String what, String pool) {
        fail();
        calls.add(what + " " + pool);
        return pool.equals("gateways")
                ? new ActionResult.Accepted(null, "pool " + pool + " " + what + "d")
                : new ActionResult.NotFound("no pool " + pool);
    }

    @Override
    public ActionResult drainHost(String hostId) {
        fail();
        calls.add("drain " + hostId);
        if (hostId.equals("gw-2")) {
            return new ActionResult.Refused("gw-2 is already draining");
        }
        return hostId.equals("gw-1")
                ? new ActionResult.Accepted("d7-11", "draining gw-1")
                : new ActionResult.NotFound("no host " + hostId);
    }

    /** Members n1..n3; n3 is unreachable, so removing n2 would leave no majority. */
    @Override
    public ActionResult addMember(String id, String address) {
        fail();
        calls.add("add " + id + " " + address);
        if (!leader) {
            return new ActionResult.Unavailable("no leader");
        }
        return new ActionResult.Accepted(
                null, "add " + id + "@" + address + ": the configuration is now [n1, n2, n3, " + id + "]");
    }

    @Override
    public ActionResult removeMember(String id) {
        fail();
        calls.add("remove " + id);
        if (!leader) {
            return new ActionResult.Unavailable("no leader");
        }
        if (!List.of("n1", "n2", "n3").contains(id)) {
            return new ActionResult.NotFound("unknown node '" + id + "': the configuration is [n1, n2, n3]");
        }
        if (id.equals("n2") || id.equals("n1")) {
            return new ActionResult.Refused("remove " + id + " refused: the change would leave no majority: 1 of 2 "
                    + "members of the new configuration reachable (unreachable: [n3])");
        }
        return new ActionResult.Accepted(null, "remove n3: the configuration is now [n1, n2]");
    }

    @Override
    public ActionResult replaceMember(String oldId, String newId, String address) {
        fail();
        calls.add("replace " + oldId + " " + newId + " " + address);
        if (!List.of("n1", "n2", "n3").contains(oldId)) {
            return new ActionResult.NotFound("unknown node '" + oldId + "': the configuration is [n1, n2, n3]");
        }
        return new ActionResult.Accepted(null, "replace " + oldId + " by " + newId + "@" + address);
    }

    @Override
    public boolean live() {
        return live;
    }

    @Override
    public boolean ready() {
        return ready;
    }

    @Override
    public String prometheus() {
        fail();
        return "# TYPE scaler_leader_changes_total counter\nscaler_leader_changes_total 2.0\n";
    }

    private void fail() {
        RuntimeException e = failWith;
        if (e != null) {
            throw e;
        }
    }
}
