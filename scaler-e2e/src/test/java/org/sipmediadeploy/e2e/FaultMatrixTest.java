package org.sipmediadeploy.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipmediadeploy.core.testing.LoopbackBlock;
import org.sipmediadeploy.sandbox.ApiFault;
import org.sipmediadeploy.sandbox.SandboxEvent;

/**
 * The fault matrix on one demo cluster (3 scaler JVMs, sandbox cloud, real Kamailio and Coturn pairs): each test
 * injects one fault while the client sends OPTIONS and STUN through the floating IPs every 50 ms, asserts the
 * service comes back on a healthy member, then the world is restored and the invariant checker runs over the whole
 * recorded history (sandbox event log, replicated decision history, node logs).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultMatrixTest {
    @RegisterExtension
    static final E2eCluster E2E = E2eCluster.builder("fault-matrix")
            .block(LoopbackBlock.FAULT_MATRIX, "e2e.matrix.block")
            .failover("max-per-hour = 60")
            .traffic()
            .build();

    private static Cluster cluster() {
        return E2E.cluster();
    }

    private static TrafficRecorder traffic() {
        return E2E.traffic();
    }

    /** Kills the pair's active member, returns the standby the floating IP must move to. */
    private String awaitMoveAwayFrom(String pair, String failed) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> {
                    String on = cluster().floatingServer(pair);
                    return on != null && !on.equals(failed);
                });
        return cluster().floatingServer(pair);
    }

    private void awaitTrafficAfter(Probe.Kind kind, Instant t) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> traffic().firstOkAfter(kind, t) != null);
    }

    @Test
    @Order(1)
    void killingTheActiveKamailioMovesTheFloatingIpAndOptionsAreAnsweredAgain() {
        String active = cluster().member("kamailio", "active");
        String standby = cluster().member("kamailio", "standby");
        cluster().sandbox().kill(active);
        Instant t = Instant.now();
        assertEquals(standby, awaitMoveAwayFrom("kamailio", active));
        awaitTrafficAfter(Probe.Kind.SIP, t.plusMillis(500));
    }

    @Test
    @Order(2)
    void freezingTheActiveKamailioMovesTheFloatingIp() {
        String active = cluster().member("kamailio", "active");
        String standby = cluster().member("kamailio", "standby");
        cluster().sandbox().freeze(active);
        Instant t = Instant.now();
        assertEquals(standby, awaitMoveAwayFrom("kamailio", active));
        awaitTrafficAfter(Probe.Kind.SIP, t.plusMillis(500));
    }

    @Test
    @Order(3)
    void killingTheActiveCoturnMovesItsFloatingIpAndStunIsAnsweredAgain() {
        String active = cluster().member("coturn", "active");
        String standby = cluster().member("coturn", "standby");
        cluster().sandbox().kill(active);
        Instant t = Instant.now();
        assertEquals(standby, awaitMoveAwayFrom("coturn", active));
        awaitTrafficAfter(Probe.Kind.STUN, t.plusMillis(500));
    }

    @Test
    @Order(4)
    void killingTheLeaderDuringAFloatingIpMoveStillEndsWithTheIpOnTheStandby() {
        String leader = cluster().awaitLeader();
        String active = cluster().member("kamailio", "active");
        String standby = cluster().member("kamailio", "standby");
        cluster().sandbox().kill(active);
        cluster().killNode(leader);
        Instant t = Instant.now();
        String newLeader = cluster().awaitLeader();
        assertNotEquals(leader, newLeader);
        assertEquals(standby, awaitMoveAwayFrom("kamailio", active));
        awaitTrafficAfter(Probe.Kind.SIP, t);
    }

    @Test
    @Order(5)
    void aFrozenLeaderIsReplacedAndDoesNotActAfterItResumes() throws Exception {
        String leader = cluster().awaitLeader();
        cluster().freezeNode(leader);
        String newLeader = cluster().awaitLeader();
        assertNotEquals(leader, newLeader);
        // the new leader handles a failover while the old one is stopped
        String active = cluster().member("kamailio", "active");
        String standby = cluster().member("kamailio", "standby");
        cluster().sandbox().kill(active);
        assertEquals(standby, awaitMoveAwayFrom("kamailio", active));
        Instant resumed = Instant.now();
        cluster().resumeNode(leader);
        // it comes back as a follower of the newer term
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    JsonNode s = cluster().status(leader);
                    assertEquals(newLeader, s.path("node").path("leader_id").asText());
                    assertNotEquals("LEADER", s.path("node").path("role").asText());
                });
        // fencing: the floating IP stays where the new leader put it (the checker also ties every action to its term)
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> standby.equals(cluster().floatingServer("kamailio")));
        assertTrue(cluster()
                .sandbox()
                .events()
                .events(e -> InvariantChecker.scalerCall(e)
                        && e.kind().equals("floatingip.update")
                        && e.time().isAfter(resumed))
                .isEmpty());
    }

    @Test
    @Order(6)
    void aCloudApiFailingFor30SecondsDuringAFailoverDelaysTheMoveUntilItRecovers() {
        String active = cluster().member("kamailio", "active");
        String standby = cluster().member("kamailio", "standby");
        cluster()
                .sandbox()
                .apiFaults()
                .add(new ApiFault("*", ApiFault.Kind.SERVER_ERROR, 1.0, Integer.MAX_VALUE, Duration.ZERO, 503));
        cluster().sandbox().kill(active);
        // nothing can move while every call fails: the IP stays, and the scaler keeps trying (no give-up)
        await().during(Duration.ofSeconds(30))
                .atMost(Duration.ofSeconds(32))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> cluster().sandbox().config() != null
                        && cluster()
                                .demo
                                .sandbox()
                                .floatingTarget(cluster().floating("kamailio"))
                                .equals(cluster().sandbox().fixedAddress(active)));
        Instant t = Instant.now();
        cluster().sandbox().apiFaults().clear();
        assertEquals(standby, awaitMoveAwayFrom("kamailio", active));
        awaitTrafficAfter(Probe.Kind.SIP, t);
    }

    @Test
    @Order(7)
    void quotaExhaustedDuringScaleOutRaisesAnAlarmAndBacksOffWithoutACreateStorm() {
        cluster().sandbox().apiFaults().add(ApiFault.always("server.create", ApiFault.Kind.QUOTA));
        Instant t = Instant.now();
        // a step in demand: take every idle gateway but one on each host, so the spare target is missed
        for (JsonNode h : cluster().status().path("pools").path(0).path("hosts")) {
            String id = h.path("server_id").asText();
            for (int i = 0; i < 100 && cluster().sandbox().idleGateways(id) > 1; i++) {
                cluster().sandbox().startCall(id);
            }
        }
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    JsonNode s = cluster().status();
                    assertTrue(
                            !s.path("alarms").isEmpty()
                                    || !s.path("pools")
                                            .path(0)
                                            .path("backoff_until")
                                            .isNull(),
                            s.path("alarms") + " " + s.path("pools"));
                });
        // over 20 more seconds of refused creates, a backed-off scaler makes only a handful of attempts
        await().during(Duration.ofSeconds(20))
                .atMost(Duration.ofSeconds(22))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> refusedCreates(t) <= 8);
        assertTrue(refusedCreates(t) >= 1, "the scale-out was attempted");
        cluster().sandbox().apiFaults().clear();
        // once the quota is back the scale-out goes through
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> cluster()
                                .sandbox()
                                .events()
                                .events(e -> e.kind().equals("server.create")
                                        && e.ok()
                                        && e.time().isAfter(t)
                                        && "gateways".equals(e.details().get("metadata.sipmediadeploy-group")))
                                .size()
                        >= 1);
        for (JsonNode h : cluster().status().path("pools").path(0).path("hosts")) {
            String id = h.path("server_id").asText();
            for (int i = 0; i < 100 && cluster().sandbox().serverStatus(id) != null && safeEnd(id); i++) {
                // ends every call started above
            }
        }
    }

    private static int refusedCreates(Instant since) {
        List<SandboxEvent> refused = cluster()
                .sandbox()
                .events()
                .events(e -> e.kind().equals("server.create") && e.time().isAfter(since) && !e.ok());
        return refused.size();
    }

    private static boolean safeEnd(String id) {
        try {
            return cluster().sandbox().endCall(id);
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Test
    @Order(8)
    void withBothKamailioMembersDownTheIpHoldsThenFollowsTheOneThatComesBack() {
        String active = cluster().member("kamailio", "active");
        String standby = cluster().member("kamailio", "standby");
        cluster().sandbox().kill(standby);
        cluster().sandbox().kill(active);
        // no healthy target: the IP must not move to the dead standby
        await().during(Duration.ofSeconds(8))
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> active.equals(cluster().floatingServer("kamailio")));
        // the leader's alarm reaches a follower's status through the log
        String follower = cluster().follower(cluster().awaitLeader());
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    JsonNode alarms = cluster().status(follower).path("alarms");
                    assertTrue(alarms.toString().contains("kamailio"), follower + " shows " + alarms);
                });
        Instant t = Instant.now();
        cluster().sandbox().restart(standby);
        assertEquals(standby, awaitMoveAwayFrom("kamailio", active));
        awaitTrafficAfter(Probe.Kind.SIP, t);
    }
}
