package org.sipmediadeploy.daemon.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.model.HostState;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.model.Secret;
import org.sipmediadeploy.core.model.Transport;
import org.sipmediadeploy.daemon.admin.ActionResult;
import org.sipmediadeploy.daemon.admin.AdminBackend;
import org.sipmediadeploy.daemon.admin.AdminClient;
import org.sipmediadeploy.daemon.admin.AdminServer;
import org.sipmediadeploy.daemon.admin.StatusView;

/** The daemon's path: meters recorded by the listener, scraped by Prometheus through the admin API. */
class MetricsOverHttpTest {
    private static final Secret TOKEN = Secret.of("metrics-token-4411");

    @Test
    void metersRecordedByTheListenerAreServedAtSlashMetrics() {
        try (Metrics metrics = new Metrics();
                AdminServer server =
                        AdminServer.start(AdminServer.Settings.of("127.0.0.1", 0, TOKEN), new ScrapeOnly(metrics))) {
            metrics.events()
                    .probed(
                            new ProbeTarget.SipOptions("127.0.1.9", 5060, Transport.UDP, Set.of()),
                            ProbeResult.down(Duration.ofMillis(400), "timeout after 400 ms", Instant.EPOCH));
            metrics.events().leaderChanged("n1", 3);
            metrics.registerPool("gateways", () -> Map.of(HostState.READY, 4), () -> 9);

            String text = new AdminClient(server.uri(), TOKEN, Duration.ofSeconds(5)).metrics();
            assertTrue(
                    text.contains(
                            "scaler_probe_results_total{status=\"DOWN\",target=\"sip-udp://127.0.1.9:5060\"}" + " 1.0"),
                    text);
            assertTrue(text.contains("scaler_leader_changes_total 1.0"), text);
            assertTrue(text.contains("scaler_pool_hosts{pool=\"gateways\",state=\"READY\"} 4.0"), text);
            assertTrue(text.contains("scaler_pool_idle_gateways{pool=\"gateways\"} 9.0"), text);
        }
    }

    /** Only {@code /metrics} is used here. */
    private record ScrapeOnly(Metrics metrics) implements AdminBackend {
        @Override
        public StatusView status() {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<DecisionRecord> history(int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ActionResult failover(String pair, Optional<String> toMember) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ActionResult pausePool(String pool) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ActionResult resumePool(String pool) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ActionResult drainHost(String hostId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ActionResult addMember(String id, String address) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ActionResult removeMember(String id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ActionResult replaceMember(String oldId, String newId, String address) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean live() {
            return true;
        }

        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public String prometheus() {
            return metrics.scrape();
        }
    }
}
