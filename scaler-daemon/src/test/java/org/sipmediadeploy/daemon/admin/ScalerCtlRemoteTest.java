package org.sipmediadeploy.daemon.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipmediadeploy.daemon.cli.ScalerCtl;

/** Every remote scalerctl command against a real admin server, with the documented exit codes. */
class ScalerCtlRemoteTest {
    @RegisterExtension
    final ScalerCtlFixture cli = new ScalerCtlFixture("127.0.0.1", "cli-test-token-1");

    @Test
    void statusPrintsNodePairsPoolAndAlarms() {
        ScalerCtlFixture.Run r = cli.ctl("status");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("node n1  role LEADER  term 7"), r.out());
        assertTrue(
                r.out().contains("kamailio")
                        && r.out().contains("kam-a UP")
                        && r.out().contains("kam-b DOWN"),
                r.out());
        assertTrue(r.out().contains("gw-1") && r.out().contains("DRAINING"), r.out());
        assertTrue(r.out().contains("standby kam-b fails its probe"), r.out());
    }

    @Test
    void statusJsonIsParseable() throws Exception {
        ScalerCtlFixture.Run r = cli.ctl("status", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode n = new ObjectMapper().readTree(r.out());
        assertEquals("LEADER", n.path("node").path("role").asText());
    }

    @Test
    void membersListsThePeers() {
        ScalerCtlFixture.Run r = cli.ctl("members");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("n2") && r.out().contains("127.0.1.3:9870"), r.out());
    }

    @Test
    void historyShowsDecisionsNewestFirst() {
        ScalerCtlFixture.Run r = cli.ctl("history", "--limit", "3");
        assertEquals(0, r.code(), r.err());
        @SuppressWarnings("StringSplitter") // stripped output: no trailing empty line to drop
        String[] lines = r.out().strip().split("\n");
        assertEquals(4, lines.length, r.out());
        assertTrue(lines[1].contains("d7-9") && lines[1].contains("Failover"), r.out());
    }

    @Test
    void failoverAcceptedRefusedAndUnknown() {
        assertEquals(0, cli.ctl("failover", "kamailio").code());
        ScalerCtlFixture.Run refused = cli.ctl("failover", "kamailio", "--to", "kam-b");
        assertEquals(1, refused.code());
        assertTrue(refused.err().contains("kam-b fails its probe"), refused.err());
        ScalerCtlFixture.Run unknown = cli.ctl("failover", "nope");
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("404"), unknown.err());
    }

    @Test
    void failoverWithoutALeaderExitsThree() {
        cli.backend().leader = false;
        assertEquals(3, cli.ctl("failover", "kamailio").code());
    }

    @Test
    void pauseResumeAndDrain() {
        assertEquals(0, cli.ctl("pause", "gateways").code());
        assertEquals(0, cli.ctl("resume", "gateways").code());
        assertEquals(0, cli.ctl("drain", "gw-1").code());
        assertEquals(1, cli.ctl("drain", "gw-2").code());
        assertEquals(1, cli.ctl("pause", "nope").code());
        assertTrue(
                cli.backend().calls.contains("pause gateways")
                        && cli.backend().calls.contains("drain gw-1"),
                cli.backend().calls.toString());
    }

    @Test
    void aWrongTokenIsAFailureNamingIt() throws Exception {
        Files.writeString(cli.token(), "wrong-token-xyz\n");
        ScalerCtlFixture.Run r = cli.ctl("status");
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
        int code = ScalerCtl.run(
                new String[] {"generate-completion"}, new PrintWriter(out), new PrintWriter(new StringWriter()));
        assertEquals(0, code);
        assertTrue(out.toString().contains("complete") && out.toString().contains("scalerctl"));
    }
}
