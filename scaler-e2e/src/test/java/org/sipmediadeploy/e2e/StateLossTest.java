package org.sipmediadeploy.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipmediadeploy.core.testing.LoopbackBlock;
import org.sipmediadeploy.sandbox.SandboxEvent;

/**
 * A new user's mistake on the demo, on its own cluster (its own loopback block by default, {@code -De2e.stateloss.block}): the
 * three nodes restarted with their Raft state wiped and the Kamailio floating IP mistyped. The pair cannot
 * bootstrap, so its members, and every gateway host made before, are tagged servers the state does not know. The
 * orphan sweep used to delete them one per pass, the active Kamailio first. Now no server is ever deleted: the
 * sweep waits for every pair and pool to be in the state, then adopts the gateway hosts that answer. After the
 * floating IP is corrected the service is back and the invariant checker holds over the new history.
 */
class StateLossTest {
    @RegisterExtension
    static final E2eCluster E2E = E2eCluster.builder("state-loss")
            .block(LoopbackBlock.STATE_LOSS, "e2e.stateloss.block")
            .failover("max-per-hour = 60")
            .healthyWithin(Duration.ofMinutes(5)) // generous: six engineers share two cores
            .build();

    private static Cluster cluster() {
        return E2E.cluster();
    }

    @Test
    void aWipedStateWithAMistypedFloatingIpDeletesNoServerAndRecoversOnceTheIpIsCorrected() throws Exception {
        List<String> before = liveServers();
        assertTrue(before.size() >= 5, "pairs and gateway hosts exist: " + before);
        String floating = cluster().floating("kamailio");
        String mistyped = floating.substring(0, floating.lastIndexOf('.') + 1) + "251";
        Instant wiped = cluster()
                .restartAllNodes(
                        true,
                        conf -> conf.replace(
                                "floating-ip = \"" + floating + "\"", "floating-ip = \"" + mistyped + "\""),
                        "state-loss");
        E2E.checker().since(wiped); // the history before the wipe is gone: the checker starts over

        // The new leader sees the mistake and says so; for several inventory periods nothing is deleted.
        await().atMost(Duration.ofSeconds(150))
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .until(() -> cluster().alarm("kamailio").contains(mistyped + " not found"));
        await().during(Duration.ofSeconds(20))
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> cluster().deletesSince(wiped).isEmpty());

        List<String> gatewaysBefore =
                before.stream().filter(id -> "gateways".equals(group(id))).toList();

        // The operator corrects the floating IP: the pair bootstraps, the gateway hosts are adopted.
        cluster()
                .restartAllNodes(
                        false,
                        conf -> conf.replace(
                                "floating-ip = \"" + mistyped + "\"", "floating-ip = \"" + floating + "\""),
                        "state-loss");
        assertEquals(List.of(), cluster().deletesSince(wiped), "no server deleted while the pair could not bootstrap");
        cluster().awaitHealthy(Duration.ofMinutes(5)); // generous: six engineers share two cores
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .untilAsserted(() -> assertTrue(
                        poolServers().containsAll(gatewaysBefore),
                        "gateway hosts from before " + gatewaysBefore + " adopted: " + poolServers()));
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .untilAsserted(() -> assertEquals(List.of(), E2E.checker().check(true)));

        // Later deletes can only be the pool's own scale-in (the checker matched each to a committed decision);
        // no pair member from before is ever touched.
        List<String> gone = new ArrayList<>(before);
        gone.removeAll(gatewaysBefore);
        gone.removeAll(liveServers());
        assertEquals(List.of(), gone, "every pair member from before the state loss is still there");
    }

    private static String group(String serverId) {
        for (SandboxEvent e : cluster().sandbox().events().ofKind("server.create")) {
            if (e.ok() && serverId.equals(e.target())) {
                return e.details().get("metadata.sipmediadeploy-group");
            }
        }
        return null;
    }

    private static List<String> poolServers() {
        List<String> ids = new ArrayList<>();
        for (JsonNode pool : cluster().status(cluster().leader()).path("pools")) {
            for (JsonNode h : pool.path("hosts")) {
                ids.add(h.path("server_id").asText(""));
            }
        }
        return ids;
    }

    /** Server ids whose create succeeded and that still exist in the sandbox. */
    private static List<String> liveServers() {
        List<String> live = new ArrayList<>();
        for (SandboxEvent e : cluster().sandbox().events().ofKind("server.create")) {
            if (e.ok() && cluster().sandbox().serverStatus(e.target()) != null && !live.contains(e.target())) {
                live.add(e.target());
            }
        }
        return live;
    }
}
