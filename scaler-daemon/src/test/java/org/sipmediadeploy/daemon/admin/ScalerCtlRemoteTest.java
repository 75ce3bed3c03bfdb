package org.sipmediadeploy.daemon.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.sipmediadeploy.core.model.Secret;
import org.sipmediadeploy.daemon.cli.ScalerCtl;

/** Every remote scalerctl command against a real admin server, with the documented exit codes. */
class ScalerCtlRemoteTest {
    @TempDir
    Path dir;
    FakeAdminBackend backend;
    AdminServer server;
    Path token;

    record Run(int code, String out, String err) {
    }

    @BeforeEach
    void start() throws Exception {
        backend = new FakeAdminBackend();
        server = AdminServer.start(AdminServer.Settings.of("127.0.0.1", 0, Secret.of("cli-test-token-1")), backend);
        token = dir.resolve("token");
        Files.writeString(token, "cli-test-token-1\n");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    Run ctl(String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--url";
        all[args.length + 1] = server.uri().toString();
        all[args.length + 2] = "--token-file";
        all[args.length + 3] = token.toString();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ScalerCtl.run(all, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void statusPrintsNodePairsPoolAndAlarms() {
        Run r = ctl("status");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("node n1  role LEADER  term 7"), r.out());
        assertTrue(r.out().contains("kamailio") && r.out().contains("kam-a UP") && r.out().contains("kam-b DOWN"),
                r.out());
        assertTrue(r.out().contains("gw-1") && r.out().contains("DRAINING"), r.out());
        assertTrue(r.out().contains("standby kam-b fails its probe"), r.out());
    }

    @Test
    void statusJsonIsParseable() throws Exception {
        Run r = ctl("status", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode n = new ObjectMapper().readTree(r.out());
        assertEquals("LEADER", n.path("node").path("role").asText());
    }

    @Test
    void membersListsThePeers() {
        Run r = ctl("members");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("n2") && r.out().contains("127.0.1.3:9870"), r.out());
    }

    @Test
    void historyShowsDecisionsNewestFirst() {
        Run r = ctl("history", "--limit", "3");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(4, lines.length, r.out());
        assertTrue(lines[1].contains("d7-9") && lines[1].contains("Failover"), r.out());
    }

    @Test
    void failoverAcceptedRefusedAndUnknown() {
        assertEquals(0, ctl("failover", "kamailio").code());
        Run refused = ctl("failover", "kamailio", "--to", "kam-b");
        assertEquals(1, refused.code());
        assertTrue(refused.err().contains("kam-b fails its probe"), refused.err());
        Run unknown = ctl("failover", "nope");
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("404"), unknown.err());
    }

    @Test
    void failoverWithoutALeaderExitsThree() {
        backend.leader = false;
        assertEquals(3, ctl("failover", "kamailio").code());
    }

    @Test
    void pauseResumeAndDrain() {
        assertEquals(0, ctl("pause", "gateways").code());
        assertEquals(0, ctl("resume", "gateways").code());
        assertEquals(0, ctl("drain", "gw-1").code());
        assertEquals(1, ctl("drain", "gw-2").code());
        assertEquals(1, ctl("pause", "nope").code());
        assertTrue(backend.calls.contains("pause gateways") && backend.calls.contains("drain gw-1"),
                backend.calls.toString());
    }

    @Test
    void aWrongTokenIsAFailureNamingIt() throws Exception {
        Files.writeString(token, "wrong-token-xyz\n");
        Run r = ctl("status");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("401"), r.err());
    }

    @Test
    void missingTargetIsAUsageError() {
        StringWriter err = new StringWriter();
        int code = ScalerCtl.run(new String[] {"status"}, new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(2, code, err.toString());
    }

    @Test
    void completionScriptIsGenerated() {
        StringWriter out = new StringWriter();
        int code = ScalerCtl.run(new String[] {"generate-completion"}, new PrintWriter(out),
                new PrintWriter(new StringWriter()));
        assertEquals(0, code);
        assertTrue(out.toString().contains("complete") && out.toString().contains("scalerctl"));
    }
}
