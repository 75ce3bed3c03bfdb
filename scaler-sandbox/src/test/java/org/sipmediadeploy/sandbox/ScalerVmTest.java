package org.sipmediadeploy.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server made from the scaler image runs "the scaler daemon" (here a shell standing in for it, recording the
 * arguments and environment it was given) from its cloud-init user data: files written 0600 under the server's
 * root, the daemon started with the written config and the VM's address, stopped on kill, shut-off and delete.
 */
class ScalerVmTest {
    private static final String NOVA = "/compute/v2.1";
    private static final String NEUTRON = "/network/v2.0";
    private static final String[] MV = {"OpenStack-API-Version", "compute 2.37", "X-OpenStack-Nova-API-Version", "2.37"
    };

    @TempDir
    static Path work;

    private static Sandbox sandbox;
    private static RawApi raw;
    private static String imageId;
    private static String flavorId;
    private static String netId;

    @BeforeAll
    static void start() {
        // "$@" ends with --config PATH: record it and the address, then stay up like a daemon.
        List<String> daemon = List.of(
                "sh",
                "-c",
                "echo \"args: $*\" > started; echo \"bind: $SCALER_ADMIN_BIND\" >> started;" + " exec sleep 300",
                "scaler");
        sandbox = Sandbox.start(SandboxConfig.defaults().toBuilder()
                .addressBlock(71)
                .processes(SandboxConfig.Processes.BUILTIN)
                .bootDelay(Duration.ofMillis(100))
                .workDir(work)
                .scalerVm(new SandboxConfig.ScalerVm(daemon, SandboxConfig.ScalerVm.DEFAULT_CONFIG_PATH))
                .build());
        raw = new RawApi(sandbox);
        imageId = raw.call("GET", "/image/v2/images?name=sipmediadeploy-scaler", null)
                .json()
                .path("images")
                .get(0)
                .path("id")
                .asText();
        flavorId = raw.call("GET", NOVA + "/flavors", null)
                .json()
                .path("flavors")
                .get(0)
                .path("id")
                .asText();
        netId = raw.call("GET", NEUTRON + "/networks?name=tenant-net", null)
                .json()
                .path("networks")
                .get(0)
                .path("id")
                .asText();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static final String USER_DATA = """
            #cloud-config
            write_files:
            - path: /etc/sipmediadeploy/scaler.conf
              permissions: '0600'
              owner: scaler:scaler
              defer: true
              content: |
                scaler { node { id = "scaler-4" } }
            - path: /etc/sipmediadeploy/admin.token
              permissions: '0600'
              encoding: b64
              content: c2VjcmV0LXRva2VuCg==
            runcmd:
            - [sh, -c, "systemctl enable --now sipmediadeploy-scaler.service"]
            """;

    private static String create(String name, String userData) {
        RawApi.Reply r = raw.call(
                "POST",
                NOVA + "/servers",
                Map.of(
                        "server",
                        Map.of(
                                "name",
                                name,
                                "imageRef",
                                imageId,
                                "flavorRef",
                                flavorId,
                                "networks",
                                List.of(Map.of("uuid", netId)),
                                "user_data",
                                Base64.getEncoder().encodeToString(userData.getBytes(StandardCharsets.UTF_8)))),
                MV);
        assertEquals(202, r.status(), r.body());
        return r.json().path("server").path("id").asText();
    }

    private static String status(String id) {
        return sandbox.serverStatus(id);
    }

    @Test
    void scalerVmWritesTheUserDataFilesWithTheirModeAndStartsTheDaemonOnTheWrittenConfig() throws IOException {
        String id = create("scaler-4", USER_DATA);
        await().atMost(Duration.ofSeconds(15)).until(() -> "ACTIVE".equals(status(id)) && sandbox.hasInstance(id));
        assertEquals("scaler", sandbox.instanceKind(id));
        Path root = sandbox.vmRoot(id);
        Path conf = root.resolve("etc/sipmediadeploy/scaler.conf");
        Path token = root.resolve("etc/sipmediadeploy/admin.token");
        assertEquals("scaler { node { id = \"scaler-4\" } }\n", Files.readString(conf));
        assertEquals("secret-token\n", Files.readString(token));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(token)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.isRegularFile(root.resolve("started"))
                        && Files.readString(root.resolve("started")).contains("bind:"));
        String started = Files.readString(root.resolve("started"));
        assertTrue(started.contains("--config " + conf), started);
        assertTrue(started.contains("bind: " + sandbox.fixedAddress(id)), started);
        long pid = sandbox.pid(id).orElseThrow();
        assertFalse(Procs.inGroup(pid).isEmpty());

        raw.call("DELETE", NOVA + "/servers/" + id, null, MV);

        await().atMost(Duration.ofSeconds(20)).until(() -> Procs.inGroup(pid).isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> status(id) == null);
    }

    @Test
    void killedScalerVmProcessDiesAtOnceAndShutOffLeavesTheVmStopped() {
        String id = create("scaler-5", USER_DATA);
        await().atMost(Duration.ofSeconds(15)).until(() -> sandbox.hasInstance(id));
        long pid = sandbox.pid(id).orElseThrow();

        sandbox.kill(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> Procs.inGroup(pid).isEmpty());
        assertFalse(sandbox.instanceAlive(id));

        sandbox.shutoff(id);
        assertEquals("SHUTOFF", status(id));
        raw.call("DELETE", NOVA + "/servers/" + id, null, MV);
        await().atMost(Duration.ofSeconds(10)).until(() -> status(id) == null);
    }

    @Test
    void userDataWithoutTheScalerConfigPutsTheServerInError() {
        String id = create("scaler-6", "#cloud-config\nwrite_files:\n- path: /etc/other\n  content: x\n");
        await().atMost(Duration.ofSeconds(15)).until(() -> "ERROR".equals(status(id)));
        assertFalse(sandbox.hasInstance(id));
        raw.call("DELETE", NOVA + "/servers/" + id, null, MV);
    }

    @Test
    void permissionsAreReadAsOctal() {
        assertEquals("rw-------", PosixFilePermissions.toString(CloudInit.permissions("0600")));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(CloudInit.permissions("750")));
    }
}
