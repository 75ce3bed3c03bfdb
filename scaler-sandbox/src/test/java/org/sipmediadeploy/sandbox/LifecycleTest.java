package org.sipmediadeploy.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting and stopping: close() and the shutdown hook leave no process behind; the event log is JSON lines. */
class LifecycleTest {

    @Test
    void closeStopsEveryProcessItStartedAndTheEventLogIsJsonLines(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("events.jsonl");
        List<Long> pids = new ArrayList<>();
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().toBuilder().addressBlock(39)
                .bootDelay(Duration.ofMillis(100)).eventLogFile(log).build())) {
            Sandbox.Pair kam = sandbox.createPair("kamailio", "sipmediadeploy-kamailio", "life");
            Sandbox.Pair turn = sandbox.createPair("coturn", "sipmediadeploy-coturn", "life");
            for (String id : List.of(kam.serverA(), kam.serverB(), turn.serverA(), turn.serverB())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> sandbox.hasInstance(id));
                pids.add(sandbox.pid(id).orElseThrow());
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> Procs.inGroup(pids.get(0)).size() > 1);
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
        assertEquals("sandbox.start", RawApi.JSON.readTree(lines.get(0)).path("kind").asText());
        assertEquals("sandbox.stop", RawApi.JSON.readTree(lines.get(lines.size() - 1)).path("kind").asText());
    }

    @Test
    void sandboxMainPrintsTheKeystoneUrlCreatesThePairsAndItsShutdownHookStopsThemOnSigterm(@TempDir Path dir)
            throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process main = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
                SandboxMain.class.getName(), "--port", "0", "--address-block", "40", "--boot-delay-ms", "100",
                "--work-dir", dir.toString(), "--pair", "kamailio=sipmediadeploy-kamailio",
                "--pair", "coturn=sipmediadeploy-coturn").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(main.getInputStream(),
                    StandardCharsets.UTF_8));
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
            String fip = pairs.get(0).path("floatingAddress").asText();
            await().atMost(Duration.ofSeconds(15)).until(() -> TinyClients.sipUdp(fip, 5060, 300).isPresent());

            String control = keystone.replace("/v3", "/control/state");
            List<Long> pids = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                pids.clear();
                JsonNode state = RawApi.JSON.readTree(java.net.http.HttpClient.newHttpClient().send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(control)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body());
                state.path("servers").forEach(s -> {
                    if (s.path("pid").isNumber()) {
                        pids.add(s.path("pid").asLong());
                    }
                });
                return pids.size() == 4;
            });

            main.destroy(); // SIGTERM: the JVM runs its shutdown hooks
            assertTrue(main.waitFor(30, TimeUnit.SECONDS), "SandboxMain exits on SIGTERM");
            for (long pid : pids) {
                assertEquals(List.of(), Procs.inGroup(pid), "process group " + pid + " after SIGTERM");
            }
        } finally {
            if (main.isAlive()) {
                main.destroyForcibly();
            }
        }
    }
}
