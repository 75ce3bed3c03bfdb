package org.sipmediadeploy.daemon.metrics;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.server.RMIServerSocketFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.decision.Outcome;
import org.sipmediadeploy.core.model.HostState;
import org.sipmediadeploy.core.model.PairMode;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.model.Transport;
import org.sipmediadeploy.core.port.CloudException;

class MetricsTest {
    private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
    private static final ProbeTarget KAM_A = new ProbeTarget.SipOptions("127.0.1.1", 5060, Transport.UDP, Set.of());

    private Metrics metrics;

    @BeforeAll
    static void rmiOnLoopback() {
        // the RMI stub the connector hands out names this host: keep every JMX byte on loopback
        System.setProperty("java.rmi.server.hostname", "127.0.0.1");
    }

    @BeforeEach
    void create() {
        metrics = new Metrics();
    }

    @AfterEach
    void close() {
        metrics.close();
    }

    /** A realistic run: probes, a failover that took 1.5 s, cloud calls, two leader changes, alarms, gauges. */
    private final AtomicReference<String> role = new AtomicReference<>("LEADER");

    private final AtomicLong term = new AtomicLong(7);

    private void record() {
        MetricsEvents e = metrics.events();
        e.probed(KAM_A, ProbeResult.up(Duration.ofMillis(3), "200 OK", T0));
        e.probed(KAM_A, ProbeResult.up(Duration.ofMillis(5), "200 OK", T0));
        e.probed(KAM_A, ProbeResult.down(Duration.ofMillis(400), "timeout after 400 ms", T0));
        DecisionRecord failover = new DecisionRecord(
                new Decision.Failover("d7-1", "kamailio", "srv-a", "srv-b", "active down"),
                7,
                12,
                T0,
                Outcome.PENDING,
                "",
                null,
                Map.of());
        e.decisionCommitted(failover);
        e.outcomeRecorded(failover.withOutcome(Outcome.DONE, "moved", T0.plusMillis(1500), Map.of()));
        e.decisionCommitted(new DecisionRecord(
                new Decision.HoldPair("d7-2", "kamailio", "anti-flap"), 7, 13, T0, Outcome.DONE, "", T0, Map.of()));
        e.decisionRefused("d6-9", "stale term 6 < 7");
        e.cloudCall("floatingip.associate", Duration.ofMillis(120), null);
        e.cloudCall("server.create", Duration.ofSeconds(2), CloudException.Kind.QUOTA);
        e.leaderChanged("n1", 6);
        e.leaderChanged("n2", 7);
        e.alarm("kamailio", "standby down");
        e.alarm("gateways", "quota");
        e.alarm("gateways", "quota again");
        e.alarmCleared("gateways");
        metrics.registerRaft(role::get, term::get, () -> 42);
        Map<HostState, Integer> hosts = new HashMap<>(Map.of(HostState.READY, 3, HostState.DRAINING, 1));
        metrics.registerPool("gateways", () -> hosts, () -> 5);
    }

    @Test
    void prometheusTextCarriesEveryMeter() {
        record();
        String text = metrics.scrape();
        assertEquals(
                2.0,
                value(text, "scaler_probe_results_total", "status=\"UP\"", "target=\"sip-udp://127.0.1.1:5060\""),
                text);
        assertEquals(1.0, value(text, "scaler_probe_results_total", "status=\"DOWN\""), text);
        assertEquals(2.0, value(text, "scaler_probe_latency_seconds_count", "status=\"UP\""), text);
        assertEquals(0.4, value(text, "scaler_probe_latency_seconds_sum", "status=\"DOWN\""), 1e-9);
        assertEquals(1.0, value(text, "scaler_decisions_committed_total", "kind=\"Failover\""));
        assertEquals(1.0, value(text, "scaler_decisions_outcomes_total", "kind=\"Failover\"", "outcome=\"DONE\""));
        assertEquals(1.0, value(text, "scaler_decisions_outcomes_total", "kind=\"HoldPair\"", "outcome=\"DONE\""));
        assertEquals(1.0, value(text, "scaler_decisions_refused_total"));
        assertEquals(1.0, value(text, "scaler_failovers_total", "pair=\"kamailio\"", "outcome=\"DONE\""));
        assertEquals(1.0, value(text, "scaler_failover_duration_seconds_count", "pair=\"kamailio\""));
        assertEquals(1.5, value(text, "scaler_failover_duration_seconds_sum", "pair=\"kamailio\""), 1e-9);
        assertEquals(
                1.0,
                value(text, "scaler_cloud_latency_seconds_count", "operation=\"server.create\"", "result=\"error\""));
        assertEquals(1.0, value(text, "scaler_cloud_errors_total", "operation=\"server.create\"", "kind=\"QUOTA\""));
        assertEquals(2.0, value(text, "scaler_leader_changes_total"));
        assertEquals(1.0, value(text, "scaler_alarms_active"));
        assertEquals(1.0, value(text, "scaler_alarms_raised_total", "scope=\"gateways\""));
        assertEquals(1.0, value(text, "scaler_raft_role", "role=\"LEADER\""));
        assertEquals(0.0, value(text, "scaler_raft_role", "role=\"FOLLOWER\""));
        assertEquals(7.0, value(text, "scaler_raft_term"));
        assertEquals(42.0, value(text, "scaler_raft_commit_index"));
        assertEquals(3.0, value(text, "scaler_pool_hosts", "pool=\"gateways\"", "state=\"READY\""));
        assertEquals(0.0, value(text, "scaler_pool_hosts", "pool=\"gateways\"", "state=\"CREATING\""));
        assertEquals(5.0, value(text, "scaler_pool_idle_gateways", "pool=\"gateways\""));
    }

    @Test
    void pairModeAndPoolLimitsAreGaugesAnAlertCanCompareWith() {
        AtomicReference<PairMode> mode = new AtomicReference<>(PairMode.AUTO);
        metrics.registerPair("kamailio", mode::get);
        metrics.registerPoolLimits("gateways", 1, 10);
        String text = metrics.scrape();
        assertEquals(1.0, value(text, "scaler_pair_mode", "pair=\"kamailio\"", "mode=\"AUTO\""), text);
        assertEquals(0.0, value(text, "scaler_pair_mode", "pair=\"kamailio\"", "mode=\"MANUAL\""), text);
        assertEquals(1.0, value(text, "scaler_pool_min_hosts", "pool=\"gateways\""), text);
        assertEquals(10.0, value(text, "scaler_pool_max_hosts", "pool=\"gateways\""), text);

        mode.set(PairMode.MANUAL);
        text = metrics.scrape();
        assertEquals(0.0, value(text, "scaler_pair_mode", "pair=\"kamailio\"", "mode=\"AUTO\""), text);
        assertEquals(1.0, value(text, "scaler_pair_mode", "pair=\"kamailio\"", "mode=\"MANUAL\""), text);

        mode.set(null); // the pair not in the replicated state yet: no mode is 1
        text = metrics.scrape();
        for (PairMode m : PairMode.values()) {
            assertEquals(0.0, value(text, "scaler_pair_mode", "pair=\"kamailio\"", "mode=\"" + m + "\""), text);
        }
    }

    @Test
    void gaugesFollowTheirSuppliersAtEachScrape() {
        record();
        role.set("FOLLOWER");
        term.set(8);
        String text = metrics.scrape();
        assertEquals(0.0, value(text, "scaler_raft_role", "role=\"LEADER\""));
        assertEquals(1.0, value(text, "scaler_raft_role", "role=\"FOLLOWER\""));
        assertEquals(8.0, value(text, "scaler_raft_term"));
    }

    @Test
    // the test's own JMX connector server on loopback: a JNDI lookup of nothing but this process's RMI stub
    @SuppressWarnings("BanJNDI")
    void metersAreReadableThroughARealJmxConnection() throws Exception {
        record();
        RMIServerSocketFactory loopback = new LoopbackServerSockets();
        Map<String, Object> env = Map.of(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, loopback);
        JMXConnectorServer server = JMXConnectorServerFactory.newJMXConnectorServer(
                new JMXServiceURL("service:jmx:rmi://127.0.0.1"), env, ManagementFactory.getPlatformMBeanServer());
        server.start();
        try (JMXConnector connector = JMXConnectorFactory.connect(server.getAddress())) {
            MBeanServerConnection jmx = connector.getMBeanServerConnection();
            Set<ObjectName> names = jmx.queryNames(new ObjectName(Metrics.JMX_DOMAIN + ":*"), null);
            String all = names.stream().map(ObjectName::toString).sorted().collect(Collectors.joining("\n"));
            assertEquals(2L, ((Number) jmx.getAttribute(find(names, "scalerLeaderChanges"), "Count")).longValue(), all);
            assertEquals(7.0, ((Number) jmx.getAttribute(find(names, "scalerRaftTerm"), "Value")).doubleValue(), all);
            assertEquals(
                    42.0,
                    ((Number) jmx.getAttribute(find(names, "scalerRaftCommitIndex"), "Value")).doubleValue(),
                    all);
            assertEquals(
                    1L, ((Number) jmx.getAttribute(find(names, "scalerFailoverDuration"), "Count")).longValue(), all);
            assertEquals(
                    1.0, ((Number) jmx.getAttribute(find(names, "scalerAlarmsActive"), "Value")).doubleValue(), all);
            assertEquals(
                    2L,
                    ((Number) jmx.getAttribute(
                                    new ObjectName(
                                            Metrics.JMX_DOMAIN
                                                    + ":name=scalerProbeResults.status.UP.target.sip-udp_127.0.1.1_5060,type=meters"),
                                    "Count"))
                            .longValue(),
                    all);
            assertEquals(
                    400.0,
                    ((Number) jmx.getAttribute(
                                    new ObjectName(
                                            Metrics.JMX_DOMAIN
                                                    + ":name=scalerProbeLatency.status.DOWN.target.sip-udp_127.0.1.1_5060,type=timers"),
                                    "Max"))
                            .doubleValue(),
                    1e-6,
                    all);
            assertEquals(
                    1L,
                    ((Number) jmx.getAttribute(find(names, "scalerCloudErrors", "QUOTA"), "Count")).longValue(),
                    all);
        } finally {
            server.stop();
        }
    }

    @Test
    void closingUnregistersTheJmxBeans() throws Exception {
        record();
        ObjectName pattern = new ObjectName(Metrics.JMX_DOMAIN + ":*");
        assertTrue(!ManagementFactory.getPlatformMBeanServer()
                .queryNames(pattern, null)
                .isEmpty());
        metrics.close();
        assertEquals(Set.of(), ManagementFactory.getPlatformMBeanServer().queryNames(pattern, null));
        metrics = new Metrics();
    }

    @Test
    void listenerNeverThrowsEvenOnGarbage() {
        MetricsEvents e = metrics.events();
        assertDoesNotThrow(() -> {
            e.probed(null, null);
            e.probed(KAM_A, null);
            e.decisionCommitted(null);
            e.outcomeRecorded(null);
            e.decisionRefused(null, null);
            e.cloudCall(null, null, null);
            e.leaderChanged(null, -1);
            e.alarm(null, null);
            e.alarmCleared(null);
        });
    }

    @Test
    void aFailingGaugeSupplierReadsAsNaNAndDoesNotBreakTheScrape() {
        metrics.registerRaft(
                () -> {
                    throw new IllegalStateException("raft not started");
                },
                () -> 1,
                () -> 2);
        String text = assertDoesNotThrow(metrics::scrape);
        assertTrue(Double.isNaN(value(text, "scaler_raft_role", "role=\"LEADER\"")), text);
        assertEquals(1.0, value(text, "scaler_raft_term"));
    }

    private static ObjectName find(Set<ObjectName> names, String... parts) {
        for (ObjectName n : names) {
            String s = n.toString();
            boolean all = true;
            for (String p : parts) {
                all &= s.contains(p);
            }
            if (all) {
                return n;
            }
        }
        throw new AssertionError("no MBean with " + String.join(", ", parts) + " among " + names);
    }

    /** The value of the sample {@code name{...labels...}}; fails if there is none. */
    @SuppressWarnings("StringSplitter") // an empty line matches no sample either way
    private static double value(String text, String name, String... labels) {
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            boolean all = true;
            for (String l : labels) {
                all &= line.contains(l);
            }
            if (all) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no sample " + name + " " + String.join(",", labels) + " in\n" + text);
    }

    /** RMI server sockets bound to loopback only. */
    private static final class LoopbackServerSockets implements RMIServerSocketFactory {
        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            return new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        }
    }
}
