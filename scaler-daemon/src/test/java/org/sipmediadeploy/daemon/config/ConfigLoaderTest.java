package org.sipmediadeploy.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sipmediadeploy.core.config.DetectorSettings;
import org.sipmediadeploy.core.config.PairConfig;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.config.ProbeSpec;

/** The shipped sample config loads; one deliberate error per key class names the right key path. */
class ConfigLoaderTest {

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

    @Test
    void shippedSampleLoadsWithDefaultsAndSecretsFromFiles() throws Exception {
        ScalerConfig c = load(sample);
        assertEquals("scaler-1", c.node().id());
        assertEquals(3, c.cluster().peers().size());
        assertEquals("127.0.0.1", c.admin().bind());
        assertEquals("admin-token-value-123", c.admin().token().reveal());
        PairConfig kam = c.pairs().get("kamailio");
        assertEquals(List.of("kamailio-a", "kamailio-b"), kam.members());
        assertEquals(ProbeSpec.Kind.SIP_OPTIONS, kam.probe().kind());
        assertEquals(Duration.ofMillis(400), kam.probe().interval());
        assertEquals(Duration.ofMillis(250), kam.probe().timeout());
        assertEquals(3, kam.failover().failureThreshold());
        assertEquals(DetectorSettings.COUNT, kam.failover().detector());
        assertEquals(
                ProbeSpec.Kind.TURN_ALLOCATE, c.pairs().get("coturn").probe().kind());
        assertEquals(
                "turn-secret-value-789",
                c.pairs().get("coturn").probe().password().reveal());
        PoolConfig pool = c.pools().get("gateways");
        assertEquals(40, pool.maxHosts());
        // Monday 09:00 UTC is in the 08:00-12:00 window (spare 6); Sunday falls back to the default 2.
        assertEquals(6, pool.spare().spareAt(Instant.parse("2026-01-05T09:00:00Z")));
        assertEquals(2, pool.spare().spareAt(Instant.parse("2026-01-04T09:00:00Z")));
        assertEquals(
                DayOfWeek.values().length - 2,
                pool.spare().windows().get(0).days().size());
    }

    /**
     * {@code pools.<name>.mode} was validated and then dropped: a pool configured {@code "dry-run"} ran as auto
     * and touched the cloud. The mode is carried into the pool's configuration (fail closed).
     */
    @Test
    void aPoolsConfiguredModeIsKeptNotDropped() throws Exception {
        assertEquals(
                org.sipmediadeploy.core.model.PoolMode.AUTO,
                load(sample).pools().get("gateways").mode());
        assertEquals(
                org.sipmediadeploy.core.model.PoolMode.DRY_RUN,
                load(sample.replace("min-hosts = 1", "min-hosts = 1, mode = \"dry-run\""))
                        .pools()
                        .get("gateways")
                        .mode());
        assertEquals(
                org.sipmediadeploy.core.model.PoolMode.PAUSED,
                load(sample.replace("min-hosts = 1", "min-hosts = 1, mode = \"paused\""))
                        .pools()
                        .get("gateways")
                        .mode());
    }

    @Test
    void adminStaysOnLoopbackWithTheTokenOnMetricsUnlessTheConfigSaysOtherwise() throws Exception {
        ScalerConfig c = load(sample);
        assertFalse(c.admin().allowNonLoopback());
        assertFalse(c.admin().metricsOpen());

        ScalerConfig scraped =
                load(sample.replace("admin {", "admin {\n    allow-non-loopback = true\n    metrics-open = true"));
        assertTrue(scraped.admin().allowNonLoopback());
        assertTrue(scraped.admin().metricsOpen());
    }

    @Test
    void secretsNeverAppearInToStringOfTheConfig() throws Exception {
        String shown = load(sample).toString();
        assertFalse(shown.contains("admin-token-value-123"), shown);
        assertFalse(shown.contains("os-password-value-456"), shown);
        assertFalse(shown.contains("turn-secret-value-789"), shown);
    }

    static Stream<Arguments> oneErrorPerKeyClass() {
        return Stream.of(
                Arguments.of(
                        "unknown key", "admin {", "admin {\n    colour = \"blue\"", "scaler.admin.colour: unknown key"),
                Arguments.of(
                        "unknown key in a pair",
                        "floating-ip = \"127.0.20.1\"",
                        "floating-ip = \"127.0.20.1\", flavour = 1",
                        "scaler.pairs.kamailio.flavour: unknown key"),
                Arguments.of(
                        "wrong type", "port = 9871", "port = \"lots\"", "scaler.admin.port: expected a whole number"),
                Arguments.of(
                        "negative duration",
                        "boot-timeout = 10m",
                        "boot-timeout = -10m",
                        "scaler.pools.gateways.boot-timeout: must not be negative"),
                Arguments.of(
                        "bad duration",
                        "scale-in-after = 10m",
                        "scale-in-after = soon",
                        "scaler.pools.gateways.scale-in-after: expected a duration"),
                Arguments.of(
                        "min above max",
                        "min-hosts = 1",
                        "min-hosts = 50",
                        "scaler.pools.gateways.min-hosts: 50 is above max-hosts 40"),
                Arguments.of(
                        "pair with three members",
                        "members = [\"kamailio-a\", \"kamailio-b\"]",
                        "members = [\"kamailio-a\", \"kamailio-b\", \"kamailio-c\"]",
                        "scaler.pairs.kamailio.members: a pair needs exactly 2 members, got 3"),
                Arguments.of(
                        "unreadable secret file",
                        "token-file = \"secrets/admin.token\"",
                        "token-file = \"secrets/missing.token\"",
                        "scaler.admin.token-file: cannot read secret file"),
                Arguments.of(
                        "unknown enum value",
                        "transport = \"udp\"",
                        "transport = \"carrier-pigeon\"",
                        "scaler.pairs.kamailio.probe.transport: must be one of [tcp, tls, udp]"),
                Arguments.of(
                        "port out of range",
                        "address = \"127.0.0.1:9880\"",
                        "address = \"127.0.0.1:99999\"",
                        "scaler.cluster.peers[1].address: port must be in 1..65535"),
                Arguments.of(
                        "node not a peer",
                        "id = \"scaler-1\"\n    storage-dir",
                        "id = \"scaler-9\"\n    storage-dir",
                        "scaler.node.id: 'scaler-9' is not one of cluster.peers"),
                Arguments.of(
                        "bad schedule time",
                        "from = \"08:00\"",
                        "from = \"8 o'clock\"",
                        "scaler.pools.gateways.spare.schedule[0].from: expected HH:MM"),
                Arguments.of(
                        "bad day",
                        "days = \"mon-fri\", from = \"13:30\"",
                        "days = \"mon-fry\", from = \"13:30\"",
                        "unknown day 'fry'"),
                Arguments.of(
                        "missing required",
                        "auth-url = \"http://127.0.0.1:5000/v3\"",
                        "auth-url = \"\"",
                        "scaler.openstack.auth-url: required"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oneErrorPerKeyClass")
    void namesTheKeyPathOfEachProblem(String what, String find, String replace, String expected) {
        assertTrue(sample.contains(find), "sample must contain: " + find);
        ConfigProblems p = assertThrows(
                ConfigProblems.class,
                () -> load(sample.replaceFirst(
                        java.util.regex.Pattern.quote(find), java.util.regex.Matcher.quoteReplacement(replace))));
        assertTrue(
                p.problems().stream().anyMatch(m -> m.contains(expected)),
                what + ": expected a problem containing [" + expected + "] in " + p.problems());
    }

    @Test
    void theCountDetectorCanBeChosenAndBadDetectorKeysAreNamed() throws Exception {
        ScalerConfig count = load(sample + "\nscaler.pair-defaults.failover.detector = count\n");
        assertEquals(
                DetectorSettings.COUNT, count.pairs().get("kamailio").failover().detector());
        ConfigProblems p = assertThrows(
                ConfigProblems.class,
                () -> load(sample + "\nscaler.pair-defaults.failover { detector = magic, loss-floor = 1.5 }\n"));
        assertTrue(
                p.problems().stream().anyMatch(m -> m.contains("failover.detector: must be one of [adaptive, count]")),
                p.problems().toString());
        assertTrue(
                p.problems().stream()
                        .anyMatch(m -> m.contains("failover.loss-floor: must be above 0.0 and at most 0.99, got 1.5")),
                p.problems().toString());
    }

    @Test
    void reportsEveryProblemAtOnce() {
        String broken = sample.replace("port = 9871", "port = 0")
                .replace("min-hosts = 1", "min-hosts = 99")
                .replace("transport = \"udp\"", "transport = \"x\"");
        ConfigProblems p = assertThrows(ConfigProblems.class, () -> load(broken));
        assertTrue(p.problems().size() >= 3, p.problems().toString());
        assertEquals(78, ConfigProblems.EXIT_CODE);
    }

    @Test
    void problemsNeverQuoteASecret() throws IOException {
        Files.writeString(dir.resolve("secrets/admin.token"), "");
        ConfigProblems p = assertThrows(ConfigProblems.class, () -> load(sample.replace("port = 9871", "port = -1")));
        assertTrue(
                p.problems().stream().anyMatch(m -> m.contains("scaler.admin.token-file") && m.contains("empty")),
                p.problems().toString());
        assertFalse(p.getMessage().contains("os-password-value-456"));
    }

    @Test
    void aFileThatIsNotHoconIsRefusedWithItsLine() {
        ConfigProblems p = assertThrows(ConfigProblems.class, () -> load("scaler { node { id = \n"));
        assertTrue(p.getMessage().contains("scaler.conf"), p.getMessage());
    }
}
