package org.sipmediadeploy.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipmediadeploy.daemon.config.ConfigLoader;
import org.sipmediadeploy.daemon.config.ConfigProblems;
import org.sipmediadeploy.daemon.config.SampleConfig;
import org.sipmediadeploy.daemon.config.ScalerConfig;

/** {@code scaler.self-healing}: off by default, validated when on; the user data of a new node. */
class SelfHealingConfigTest {
    static final String ENABLED = """
            scaler.self-healing {
              enabled = true
              replace-after = 30s
              image = "sipmediadeploy-scaler", flavor = "m1.small", network = "tenant-net"
              security-groups = ["scaler"]
            }
            """;

    @TempDir
    Path dir;

    SampleConfig config;
    String sample;

    @BeforeEach
    void copySampleWithSecrets() throws IOException {
        config = SampleConfig.withSecretsIn(dir);
        sample = config.text();
    }

    private ScalerConfig load(String text) throws ConfigProblems {
        return config.load(text);
    }

    private String problems(String text) {
        return String.join(
                "\n", assertThrows(ConfigProblems.class, () -> load(text)).problems());
    }

    @Test
    void selfHealingIsOffByDefaultWithFiveMinutes() throws Exception {
        ScalerConfig c = load(sample);
        assertFalse(c.selfHealing().settings().enabled());
        assertEquals(Duration.ofMinutes(5), c.selfHealing().settings().replaceAfter());
        assertEquals("/etc/sipmediadeploy/scaler.conf", c.selfHealing().configPath());
    }

    @Test
    void enabledSelfHealingTakesTheServerTemplateAndTheBuiltInUserData() throws Exception {
        ScalerConfig c = load(sample + ENABLED);
        assertTrue(c.selfHealing().settings().enabled());
        assertEquals(Duration.ofSeconds(30), c.selfHealing().settings().replaceAfter());
        assertEquals(
                "sipmediadeploy-scaler", c.selfHealing().settings().server().image());
        assertEquals(
                java.util.List.of("scaler"), c.selfHealing().settings().server().securityGroups());
        assertTrue(c.selfHealing().userDataTemplate().startsWith("#cloud-config"));
        assertTrue(c.selfHealing().userDataTemplate().contains(ConfigLoader.WRITE_FILES));
    }

    @Test
    void enabledSelfHealingWithoutImageFlavorOrNetworkNamesEachKey() {
        String p = problems(sample + "scaler.self-healing.enabled = true\n");
        assertTrue(p.contains("scaler.self-healing.image: required"), p);
        assertTrue(p.contains("scaler.self-healing.flavor: required"), p);
        assertTrue(p.contains("scaler.self-healing.network: required"), p);
    }

    @Test
    void replaceAfterWithinTheHealthyWindowIsRefused() {
        String p = problems(sample + ENABLED + "scaler.self-healing.replace-after = 2s\n");
        assertTrue(p.contains("scaler.self-healing.replace-after"), p);
        assertTrue(p.contains("healthy window"), p);
    }

    @Test
    void aTemplateWithoutTheWriteFilesPlaceholderIsRefused() throws IOException {
        Files.writeString(dir.resolve("ud.tpl"), "#cloud-config\nruncmd: []\n");
        String p = problems(sample + ENABLED + "scaler.self-healing.user-data-template = \"ud.tpl\"\n");
        assertTrue(p.contains("scaler.self-healing.user-data-template") && p.contains("{{write_files}}"), p);
    }

    @Test
    void relativeConfigPathIsRefused() {
        String p = problems(sample + "scaler.self-healing.config-path = \"scaler.conf\"\n");
        assertTrue(p.contains("scaler.self-healing.config-path: must be an absolute path"), p);
    }

    @Test
    void newNodeUserDataWritesItsConfigAndEverySecretFile0600AndItsConfigLoadsAsTheNewNode() throws Exception {
        ScalerConfig c = load(sample + ENABLED);
        Map<String, String> peers = new TreeMap<>(
                Map.of("scaler-1", "10.0.0.11:9870", "scaler-3", "10.0.0.13:9870", "scaler-4", "10.0.0.14:9870"));

        String userData = new NodeUserData(c).userData("scaler-4", peers).reveal();

        assertTrue(userData.startsWith("#cloud-config"), userData);
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(userData);
        Map<String, String> files = new LinkedHashMap<>();
        for (JsonNode f : doc.path("write_files")) {
            assertEquals("0600", f.path("permissions").asText(), f.toString());
            assertEquals("b64", f.path("encoding").asText());
            files.put(
                    f.path("path").asText(),
                    new String(Base64.getDecoder().decode(f.path("content").asText()), StandardCharsets.UTF_8));
        }
        assertTrue(
                files.keySet()
                        .containsAll(java.util.List.of(
                                "/etc/sipmediadeploy/scaler.conf",
                                "/etc/sipmediadeploy/secrets/admin.token",
                                "/etc/sipmediadeploy/secrets/os-password",
                                "/etc/sipmediadeploy/secrets/turn-probe")),
                files.keySet().toString());
        assertEquals("admin-token-value-123\n", files.get("/etc/sipmediadeploy/secrets/admin.token"));
        assertTrue(doc.path("runcmd").toString().contains("scalerctl config check /etc/sipmediadeploy/scaler.conf"));
        assertFalse(userData.contains("admin-token-value-123"), "secrets are only in base64 content");

        // The new node's scaler.conf, read where its files are, is that node with that peer list.
        ScalerConfig node = ConfigLoader.parse(files.get("/etc/sipmediadeploy/scaler.conf"), "new node", dir);
        assertEquals("scaler-4", node.node().id());
        assertTrue(node.cluster().join(), "a replacement joins through the leader, never bootstraps");
        Map<String, String> got = new TreeMap<>();
        node.cluster().peers().forEach(p -> got.put(p.id(), p.address()));
        assertEquals(peers, got);
        assertTrue(node.selfHealing().settings().enabled(), "the new node heals too");
    }

    @Test
    void renderedUserDataIsValidCloudConfigForCloudInit() throws Exception {
        ScalerConfig c = load(sample + ENABLED);
        Path f = dir.resolve("user-data.yaml");
        Files.writeString(
                f,
                new NodeUserData(c)
                        .userData("scaler-4", Map.of("scaler-4", "10.0.0.14:9870"))
                        .reveal());
        // cloud-init is installed by tools/setup.sh (the deploy kit's checks use it too).
        Process p = new ProcessBuilder("cloud-init", "schema", "--config-file", f.toString())
                .redirectErrorStream(true)
                .start();
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "cloud-init schema finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("Valid cloud-config"), out);
    }
}
