package org.sipmediadeploy.daemon.logging;

import static net.logstash.logback.argument.StructuredArguments.kv;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.decision.Outcome;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.model.Secret;
import org.sipmediadeploy.core.port.CloudException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LoggingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
    private static final Secret PASSWORD = Secret.of("hunter2-s3cr3t-pw");
    private static final Secret TOKEN = Secret.of("tok-77c1e0a9");

    private final Logger log = LoggerFactory.getLogger(LoggingTest.class);

    @TempDir
    Path dir;

    @AfterEach
    void restore() {
        MDC.clear();
        Redaction.clear();
        Logging.configure("json", "", "");
    }

    private List<JsonNode> jsonLines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    private static JsonNode lineWith(List<JsonNode> lines, String field, String value) {
        return lines.stream()
                .filter(n -> value.equals(n.path(field).asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line with " + field + "=" + value + " in " + lines));
    }

    @Test
    void decisionLinesCarryTermIndexDecisionIdAndPairOrPool() throws IOException {
        Path file = dir.resolve("scaler.log");
        Logging.configure("json", file.toString(), "");
        DecisionLog events = new DecisionLog();
        events.decisionCommitted(new DecisionRecord(
                new Decision.Failover("d7-1", "kamailio", "srv-a", "srv-b", "active failed 3 probes on 2 nodes"),
                7,
                12,
                T0,
                Outcome.PENDING,
                "",
                null,
                Map.of()));
        events.outcomeRecorded(new DecisionRecord(
                new Decision.CreateHost("d7-2", "gateways", "gw-5", "below spare target"),
                7,
                13,
                T0,
                Outcome.FAILED,
                "quota exceeded",
                T0.plusSeconds(3),
                Map.of("server_id", "srv-9")));

        List<JsonNode> lines = jsonLines(file);
        JsonNode committed = lineWith(lines, "decision_id", "d7-1");
        assertEquals(7, committed.get("term").asLong());
        assertEquals(12, committed.get("index").asLong());
        assertEquals("kamailio", committed.get("scope").asText());
        assertEquals("kamailio", committed.get("pair").asText());
        assertEquals("Failover", committed.get("kind").asText());
        assertEquals("PENDING", committed.get("outcome").asText());
        assertEquals("srv-b", committed.get("to_server_id").asText());
        assertEquals("INFO", committed.get("level").asText());
        assertEquals(DecisionLog.LOGGER, committed.get("logger_name").asText());
        assertEquals(
                "decision d7-1 committed: Failover on kamailio (term 7, index 12): "
                        + "active failed 3 probes on 2 nodes",
                committed.get("message").asText());

        JsonNode failed = lineWith(lines, "decision_id", "d7-2");
        assertEquals(7, failed.get("term").asLong());
        assertEquals(13, failed.get("index").asLong());
        assertEquals("gateways", failed.get("pool").asText());
        assertEquals("gateways", failed.get("scope").asText());
        assertEquals("FAILED", failed.get("outcome").asText());
        assertEquals("quota exceeded", failed.get("outcome_detail").asText());
        assertEquals("srv-9", failed.at("/facts/server_id").asText());
        assertEquals("WARN", failed.get("level").asText());
    }

    @Test
    void otherEventsAreLoggedWithTheirFields() throws IOException {
        Path file = dir.resolve("events.log");
        Logging.configure("json", file.toString(), "");
        DecisionLog events = new DecisionLog();
        ProbeTarget stun = new ProbeTarget.StunBinding("127.0.1.4", 3478);
        events.probed(stun, ProbeResult.up(Duration.ofMillis(2), "ok", T0));
        events.probed(stun, ProbeResult.up(Duration.ofMillis(2), "ok", T0));
        events.probed(stun, ProbeResult.down(Duration.ofMillis(500), "timeout after 500 ms", T0));
        events.alarm("coturn", "both members down");
        events.alarmCleared("coturn");
        events.leaderChanged("n2", 8);
        events.decisionRefused("d6-3", "stale term 6 < 8");
        events.cloudCall("server.create", Duration.ofMillis(900), CloudException.Kind.QUOTA);

        List<JsonNode> lines = jsonLines(file);
        // a status change is logged, a repeated status is not (at INFO)
        assertEquals(
                2,
                lines.stream()
                        .filter(n ->
                                "stun://127.0.1.4:3478".equals(n.path("target").asText()))
                        .count(),
                lines.toString());
        assertEquals(
                "UP", lineWith(lines, "status", "DOWN").get("previous_status").asText());
        assertEquals(
                "both members down",
                lineWith(lines, "alarm", "both members down").get("alarm").asText());
        assertEquals(8, lineWith(lines, "leader_id", "n2").get("term").asLong());
        assertEquals(
                "stale term 6 < 8",
                lineWith(lines, "decision_id", "d6-3").get("reason").asText());
        assertEquals(
                "QUOTA",
                lineWith(lines, "operation", "server.create").get("error_kind").asText());
    }

    @Test
    void registeredSecretsAreRedactedFromJsonMessagesArgumentsMdcAndStackTraces() throws IOException {
        Redaction.register(PASSWORD);
        Redaction.register(TOKEN);
        Path file = dir.resolve("secrets.log");
        Logging.configure("json", file.toString(), "");
        MDC.put("auth", "Bearer " + TOKEN.reveal());
        log.info("connecting with password {}", PASSWORD.reveal());
        log.info("token check", kv("token", TOKEN.reveal()));
        log.error("keystone refused", new IllegalStateException("401 for password " + PASSWORD.reveal()));

        String raw = Files.readString(file);
        assertFalse(raw.contains(PASSWORD.reveal()), raw);
        assertFalse(raw.contains(TOKEN.reveal()), raw);
        List<JsonNode> lines = jsonLines(file);
        assertEquals(
                "connecting with password <redacted>",
                lines.get(0).get("message").asText());
        assertEquals("<redacted>", lines.get(1).get("token").asText());
        assertEquals("Bearer <redacted>", lines.get(1).get("auth").asText());
        assertTrue(lines.get(2).get("stack_trace").asText().contains("401 for password <redacted>"));
    }

    @Test
    void registeredSecretsAreRedactedFromText() throws IOException {
        Redaction.register(PASSWORD);
        Path file = dir.resolve("text.log");
        Logging.configure("text", file.toString(), "");
        log.warn("password is {}", PASSWORD.reveal(), new IllegalStateException("again " + PASSWORD.reveal()));
        String raw = Files.readString(file);
        assertFalse(raw.contains(PASSWORD.reveal()), raw);
        assertTrue(raw.contains("password is <redacted>"), raw);
        assertTrue(raw.contains("again <redacted>"), raw);
        assertFalse(raw.startsWith("{"), "text, not JSON: " + raw);
    }

    @Test
    void tooShortOrEmptySecretsAreNotRegistered() {
        Redaction.register(Secret.of(""));
        Redaction.register(Secret.of("abc"));
        assertEquals("abc abd", Redaction.redact("abc abd"));
        Redaction.register(Secret.of("abcd"));
        Redaction.register(Secret.of("abcdef"));
        assertEquals("<redacted> <redacted>", Redaction.redact("abcdef abcd"));
    }

    @Test
    void logstashReceivesRedactedJsonLinesOverTcp() throws Exception {
        Redaction.register(PASSWORD);
        try (ServerSocket logstash = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            logstash.setSoTimeout(15_000);
            Logging.configure("json", dir.resolve("main.log").toString(), "127.0.0.1:" + logstash.getLocalPort());
            log.info("shipped line with {}", PASSWORD.reveal(), kv("decision_id", "d9-1"));
            try (Socket s = logstash.accept()) {
                s.setSoTimeout(15_000);
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                JsonNode line = JSON.readTree(in.readLine());
                assertEquals("shipped line with <redacted>", line.get("message").asText());
                assertEquals("d9-1", line.get("decision_id").asText());
            }
        }
        // and the main appender got it too
        assertTrue(Files.readString(dir.resolve("main.log")).contains("shipped line with <redacted>"));
    }

    @Test
    void chattyLibrariesAreAtWarnIncludingJavaUtilLogging() throws IOException {
        Path file = dir.resolve("quiet.log");
        Logging.configure("json", file.toString(), "");
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        for (String name : Set.of(
                "org.apache.ratis",
                "javax.sip",
                "gov.nist",
                "org.ice4j",
                "org.jitsi",
                "io.grpc",
                "io.netty",
                "org.openstack4j",
                "okhttp3")) {
            assertEquals(Level.WARN, ctx.getLogger(name).getLevel(), name);
        }
        LoggerFactory.getLogger("org.apache.ratis.server.impl.VoteContext").info("vote noise");
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger("org.ice4j.stack.StunStack");
        jul.info("ice4j noise");
        jul.warning("ice4j warning");
        String raw = Files.readString(file);
        assertFalse(raw.contains("vote noise"), raw);
        assertFalse(raw.contains("ice4j noise"), raw);
        assertTrue(raw.contains("ice4j warning"), raw);
    }

    @Test
    void nodeIdGoesOnEveryJsonLine() throws IOException {
        Path file = dir.resolve("node.log");
        Logging.configure("json", file.toString(), "");
        Logging.nodeId("n3");
        log.info("hello");
        assertEquals("n3", jsonLines(file).get(0).get("node").asText());
    }

    @Test
    void badSettingsAreRefusedAndTheOldAppendersStay() throws IOException {
        Path file = dir.resolve("kept.log");
        Logging.configure("json", file.toString(), "");
        assertThrows(IllegalArgumentException.class, () -> Logging.configure("xml", "", ""));
        assertThrows(IllegalArgumentException.class, () -> Logging.configure("json", "", "logstash"));
        assertThrows(IllegalArgumentException.class, () -> Logging.configure("json", "", "host:99999"));
        assertThrows(IllegalArgumentException.class, () -> Logging.configure("json", "", ":5000"));
        log.info("still here");
        assertTrue(Files.readString(file).contains("still here"));
    }

    @Test
    void bundledLogbackXmlWritesMaskedJsonToStdoutWithQuietLibraries() throws Exception {
        Redaction.register(TOKEN);
        LoggerContext fresh = new LoggerContext();
        fresh.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(fresh);
        joran.doConfigure(LoggingTest.class.getResource("/logback.xml"));
        var appender = fresh.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("MAIN");
        assertTrue(appender instanceof ConsoleAppender<?>, String.valueOf(appender));
        ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) appender;
        assertEquals("System.out", console.getTarget());
        assertTrue(console.getEncoder() instanceof LogstashEncoder);
        assertEquals(
                Level.INFO, fresh.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel());
        assertEquals(Level.WARN, fresh.getLogger("org.apache.ratis").getLevel());
        LoggingEvent event = new LoggingEvent(
                "x", fresh.getLogger("t"), Level.INFO, "token {}", null, new Object[] {TOKEN.reveal()});
        String line = new String(console.getEncoder().encode(event), StandardCharsets.UTF_8);
        assertEquals("token <redacted>", JSON.readTree(line).get("message").asText(), line);
        fresh.stop();
    }

    @Test
    void cliLoggingIsTextOnStderrAtWarnSoStdoutStaysParseable() {
        Logging.forCli();
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertEquals(Level.WARN, root.getLevel());
        ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) root.getAppender("MAIN");
        assertEquals("System.err", console.getTarget());
        root.setLevel(Level.INFO);
    }

    @Test
    void decisionLogNeverThrows() {
        DecisionLog events = new DecisionLog();
        assertDoesNotThrow(() -> {
            events.decisionCommitted(null);
            events.outcomeRecorded(null);
            events.probed(null, null);
            events.cloudCall("x", null, CloudException.Kind.AUTH);
            events.decisionRefused(null, null);
            events.alarm(null, null);
        });
    }
}
