package org.sipmediadeploy.daemon;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Self-healing of the scaler cluster: three scaler processes as sandbox VMs with self-healing enabled (replace-after
 * 5 s). A node whose daemon is killed (-9) and whose VM is shut off is replaced: a new VM is created from the rendered user data,
 * joins, the dead node leaves the configuration and its VM is deleted, and the cluster is back to three healthy
 * members that all hold the full history. Once for a follower and once for the leader, in one cluster; and with the
 * leader crashing in the middle of a replacement, where the next term finishes that same replacement. Never a
 * second replacement VM.
 */
class SelfHealingTest {
    private static final Duration REPLACE_AFTER = Duration.ofSeconds(5);
    private static final Duration HEAL_WITHIN = Duration.ofSeconds(150);

    /** target/self-healing/NAME, emptied first: the VMs' logs stay for inspection until the next run. */
    private static Path workDir(String name) throws java.io.IOException {
        Path dir = Path.of("target", "self-healing", name).toAbsolutePath();
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir);
        return dir;
    }

    @Test
    void deadFollowerThenDeadLeaderAreEachReplacedOnceAndEveryMemberHoldsTheFullHistory() throws Exception {
        try (ScalerVmCluster c = ScalerVmCluster.start(workDir("replaced-follower-then-leader"), 72, REPLACE_AFTER)) {
            List<String> members = new ArrayList<>(List.of("scaler-1", "scaler-2", "scaler-3"));
            c.awaitHealthy(members, Duration.ofMinutes(2));
            // Some history first: the gateway pool's first host.
            await("first gateway host created")
                    .atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> c.history(c.leader().orElseThrow()).stream()
                            .anyMatch(d -> "CreateHost".equals(d.path("kind").asText())
                                    && "DONE".equals(d.path("outcome").asText())));

            int ordinal = 4;
            for (boolean killLeader : new boolean[] {false, true}) {
                String leader = c.leader().orElseThrow();
                String victim = killLeader
                        ? leader
                        : members.stream()
                                .filter(m -> !m.equals(leader))
                                .findFirst()
                                .orElseThrow();
                String newNode = "scaler-" + ordinal++;
                Set<String> before = decisionIds(c.history(leader));

                c.killVm(victim);

                members.remove(victim);
                members.add(newNode);
                c.awaitHealthy(members, HEAL_WITHIN);
                await(victim + "'s VM deleted and the replacement closed")
                        .atMost(Duration.ofSeconds(30))
                        .ignoreExceptions()
                        .until(() -> !c.scalerServers().containsKey(victim)
                                && closed(c.history(c.leader().orElseThrow()), victim));
                String now = c.leader().orElseThrow();
                List<JsonNode> replacements = c.history(now).stream()
                        .filter(d -> "ReplaceScaler".equals(d.path("kind").asText()))
                        .toList();
                List<JsonNode> ofVictim = replacements.stream()
                        .filter(d -> victim.equals(
                                d.path("details").path("dead_node").asText()))
                        .toList();
                assertEquals(1, ofVictim.size(), "one replacement of " + victim + ": " + replacements);
                assertEquals(
                        "DONE",
                        ofVictim.get(0).path("outcome").asText(),
                        ofVictim.get(0).toString());
                assertEquals(
                        newNode,
                        ofVictim.get(0).path("details").path("new_node").asText());
                assertEquals(new TreeSet<>(members), c.scalerServers().keySet(), "exactly the members have VMs");
                assertEquals(3 + (ordinal - 4), c.scalerCreates(), "no second replacement VM was ever created");
                // The new node holds the full history, the same as the leader's.
                await(newNode + " has the leader's history")
                        .atMost(Duration.ofSeconds(30))
                        .ignoreExceptions()
                        .until(() -> decisionIds(c.history(newNode))
                                .equals(decisionIds(c.history(c.leader().orElseThrow()))));
                assertTrue(decisionIds(c.history(newNode)).containsAll(before), "history kept across the replacement");
                assertSecretsWritten0600(c, newNode);
                JsonNode healing = c.status(now).orElseThrow().path("self_healing");
                assertTrue(healing.path("replacement").isNull(), healing.toString());
            }
        }
    }

    @Test
    void leaderCrashingMidReplacementLeavesOneReplacementThatTheNextTermFinishes() throws Exception {
        try (ScalerVmCluster c = ScalerVmCluster.start(workDir("leader-crash-mid-replacement"), 73, REPLACE_AFTER)) {
            c.awaitHealthy(List.of("scaler-1", "scaler-2", "scaler-3"), Duration.ofMinutes(2));
            String leader = c.leader().orElseThrow();
            String victim = List.of("scaler-1", "scaler-2", "scaler-3").stream()
                    .filter(m -> !m.equals(leader))
                    .findFirst()
                    .orElseThrow();
            String survivor = List.of("scaler-1", "scaler-2", "scaler-3").stream()
                    .filter(m -> !m.equals(leader) && !m.equals(victim))
                    .findFirst()
                    .orElseThrow();
            long term = c.status(leader).orElseThrow().path("node").path("term").asLong();

            c.killVm(victim);
            // The replacement is committed and its VM is being created: crash the leader now.
            await("replacement under way")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> c.scalerServers().containsKey("scaler-4")
                            && c.status(leader)
                                    .orElseThrow()
                                    .path("self_healing")
                                    .path("replacement")
                                    .isObject());
            String decision = c.status(leader)
                    .orElseThrow()
                    .path("self_healing")
                    .path("replacement")
                    .path("decision_id")
                    .asText();
            c.crashAndRestart(leader);

            List<String> members = List.of(leader, survivor, "scaler-4");
            c.awaitHealthy(members, HEAL_WITHIN);
            await(victim + "'s VM deleted and the replacement closed")
                    .atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> !c.scalerServers().containsKey(victim)
                            && closed(c.history(c.leader().orElseThrow()), victim));
            String now = c.leader().orElseThrow();
            assertTrue(
                    c.status(now).orElseThrow().path("node").path("term").asLong() > term,
                    "the leader changed term mid-replacement");
            List<JsonNode> replacements = c.history(now).stream()
                    .filter(d -> "ReplaceScaler".equals(d.path("kind").asText()))
                    .toList();
            assertEquals(1, replacements.size(), replacements.toString());
            assertEquals(
                    decision,
                    replacements.get(0).path("decision_id").asText(),
                    "the next term resumed the replacement instead of starting a second");
            assertEquals(
                    "DONE",
                    replacements.get(0).path("outcome").asText(),
                    replacements.get(0).toString());
            assertEquals(Set.of(leader, survivor, "scaler-4"), c.scalerServers().keySet());
            assertEquals(4, c.scalerCreates(), "no second replacement VM was ever created");
        }
    }

    /** The replacement of {@code victim} has an outcome (the last step's record follows the VM's deletion). */
    private static boolean closed(List<JsonNode> history, String victim) {
        return history.stream()
                .anyMatch(d -> "ReplaceScaler".equals(d.path("kind").asText())
                        && victim.equals(d.path("details").path("dead_node").asText())
                        && !"PENDING".equals(d.path("outcome").asText()));
    }

    private static Set<String> decisionIds(List<JsonNode> history) {
        Set<String> out = new TreeSet<>();
        history.forEach(d -> out.add(d.path("decision_id").asText()));
        return out;
    }

    private static void assertSecretsWritten0600(ScalerVmCluster c, String node) throws Exception {
        Path etc = c.sandbox.vmRoot(c.serverId(node)).resolve("etc/sipmediadeploy");
        for (String f : List.of("scaler.conf", "admin.token", "os-password")) {
            assertEquals(
                    "rw-------",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(etc.resolve(f))),
                    f + " of " + node);
        }
        String conf = Files.readString(etc.resolve("scaler.conf"));
        assertTrue(conf.contains("scaler.node.id = \"" + node + "\""), conf);
    }
}
