package org.sipmediadeploy.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting and stopping: close() and the shutdown hook leave no process behind; the event log is JSON lines. */
class LifecycleTest {

    @Test
    void closeStopsEveryProcessItStartedAndTheEventLogIsJsonLines(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("events.jsonl");
        List<Long> pids = new ArrayList<>();
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().toBuilder()
                .addressBlock(39)
                .bootDelay(Duration.ofMillis(100))
                .eventLogFile(log)
                .build())) {
            Sandbox.Pair kam = sandbox.createPair("kamailio", "sipmediadeploy-kamailio", "life");
            Sandbox.Pair turn = sandbox.createPair("coturn", "sipmediadeploy-coturn", "life");
            for (String id : List.of(kam.serverA(), kam.serverB(), turn.serverA(), turn.serverB())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> sandbox.hasInstance(id));
                pids.add(sandbox.pid(id).orElseThrow());
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Procs.inGroup(pids.get(0)).size() > 1);
        }
        for (long pid : pids) {
            assertEquals(List.of(), Procs.inGroup(pid), "process group " + pid + " after close()");
        }
        List<String> lines = Files.readAllLines(log);
        assertTrue(lines.size() >= 8, lines.toString());
        for (String line : lines) {
            JsonNode e = RawApi.JSON.readTree(line);
            assertTrue(e.has("time") && e.has("kind") && e.has("seq") && e.has("result"), line);
        }
        assertEquals(
                "sandbox.start", RawApi.JSON.readTree(lines.get(0)).path("kind").asText());
        assertEquals(
                "sandbox.stop",
                RawApi.JSON.readTree(lines.get(lines.size() - 1)).path("kind").asText());
    }

    /** SandboxMain in its own JVM, with its keystone URL and the PIDs of its four server processes. */
    private record Child(Process process, String keystone, String floatingAddress, List<Long> pids) {}

    private static Child startMain(Path dir, int block) throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process main = new ProcessBuilder(
                        javaBin.toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        SandboxMain.class.getName(),
                        "--port",
                        "0",
                        "--address-block",
                        Integer.toString(block),
                        "--boot-delay-ms",
                        "100",
                        "--work-dir",
                        dir.toString(),
                        "--pair",
                        "kamailio=sipmediadeploy-kamailio",
                        "--pair",
                        "coturn=sipmediadeploy-coturn")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(main.getInputStream(), StandardCharsets.UTF_8));
        String keystone = null;
        List<JsonNode> pairs = new ArrayList<>();
        String line;
        while (pairs.size() < 2 && (line = out.readLine()) != null) {
            if (line.startsWith("KEYSTONE_URL=")) {
                keystone = line.substring("KEYSTONE_URL=".length());
            } else if (line.startsWith("PAIR ")) {
                pairs.add(RawApi.JSON.readTree(line.substring(5)));
            }
        }
        assertTrue(keystone != null && keystone.endsWith("/v3"), "printed " + keystone);
        assertEquals(2, pairs.size());
        String control = keystone.replace("/v3", "/control/state");
        List<Long> pids = new ArrayList<>();
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            pids.clear();
            JsonNode state = RawApi.JSON.readTree(java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create(control))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString())
                    .body());
            state.path("servers").forEach(s -> {
                if (s.path("pid").isNumber()) {
                    pids.add(s.path("pid").asLong());
                }
            });
            return pids.size() == 4;
        });
        return new Child(main, keystone, pairs.get(0).path("floatingAddress").asText(), List.copyOf(pids));
    }

    /** Test hygiene: whatever the outcome, the groups this test caused are stopped, by their recorded PIDs. */
    private static void killGroups(List<Long> pids) throws Exception {
        for (long pid : pids) {
            if (!Procs.inGroup(pid).isEmpty()) {
                new ProcessBuilder("kill", "-KILL", "--", "-" + pid).start().waitFor(2, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void sandboxMainPrintsTheKeystoneUrlCreatesThePairsAndItsShutdownHookStopsThemOnSigterm(@TempDir Path dir)
            throws Exception {
        Child child = startMain(dir, 40);
        try {
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> TinyClients.sipUdp(child.floatingAddress(), 5060, 300)
                            .isPresent());
            child.process().destroy(); // SIGTERM: the JVM runs its shutdown hooks
            assertTrue(child.process().waitFor(30, TimeUnit.SECONDS), "SandboxMain exits on SIGTERM");
            for (long pid : child.pids()) {
                assertEquals(List.of(), Procs.inGroup(pid), "process group " + pid + " after SIGTERM");
            }
        } finally {
            child.process().destroyForcibly();
            killGroups(child.pids());
        }
    }

    @Test
    void processesLeftByASandboxKilledWithSigkillAreStoppedByTheNextSandbox(@TempDir Path dir) throws Exception {
        Child child = startMain(dir, 41);
        try {
            child.process().destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertTrue(child.process().waitFor(30, TimeUnit.SECONDS));
            assertTrue(
                    child.pids().stream().allMatch(pid -> !Procs.inGroup(pid).isEmpty()),
                    "the servers' processes outlived their sandbox");

            try (Sandbox next = Sandbox.start(SandboxConfig.defaults().toBuilder()
                    .addressBlock(42)
                    .processes(SandboxConfig.Processes.BUILTIN)
                    .build())) {
                for (long pid : child.pids()) {
                    await().atMost(Duration.ofSeconds(5))
                            .until(() -> Procs.inGroup(pid).isEmpty());
                }
                assertTrue(next.apiPort() > 0);
            }
        } finally {
            killGroups(child.pids());
        }
    }
}
