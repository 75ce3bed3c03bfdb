package org.sipmediadeploy.daemon.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code scalerctl members add|remove|replace} against a real admin server and a fake backend (members n1..n3, n3
 * unreachable): the routes, the request bodies and the exit codes (0 ok, 1 refused or unknown, 2 usage, 3 no leader).
 * The same commands against real scaler processes: {@code MembersClusterTest}.
 */
class ScalerCtlMembersTest {
    private static final String HOST = "127.65.0.2";
    private static final String TOKEN = "members-test-token-1";

    @RegisterExtension
    final ScalerCtlFixture cli = new ScalerCtlFixture(HOST, TOKEN);

    @Test
    void membersShowsEachMembersRoleAndLastContact() {
        ScalerCtlFixture.Run r = cli.ctl("members");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("LAST CONTACT") && r.out().contains("127.0.1.3:9870"), r.out());
        assertTrue(r.out().contains("2026-11-28T12:00:00Z"), r.out());
    }

    @Test
    void addSendsTheIdAndAddressAndPrintsTheNewConfiguration() {
        ScalerCtlFixture.Run r = cli.ctl("members", "add", "n4", "127.65.1.4:9870");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[n1, n2, n3, n4]"), r.out());
        assertTrue(
                cli.backend().calls.contains("add n4 127.65.1.4:9870"),
                cli.backend().calls.toString());
    }

    @Test
    void removingAnUnknownNodeIsRefusedNamingIt() {
        ScalerCtlFixture.Run r = cli.ctl("members", "remove", "n9");
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().contains("404") && r.err().contains("unknown node 'n9'"), r.err());
    }

    @Test
    void removalThatWouldLeaveNoMajorityIsRefusedWithTheReason() {
        ScalerCtlFixture.Run r = cli.ctl("members", "remove", "n2");
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().contains("409") && r.err().contains("would leave no majority"), r.err());
    }

    @Test
    void removingTheUnreachableMemberIsAccepted() {
        ScalerCtlFixture.Run r = cli.ctl("members", "remove", "n3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[n1, n2]"), r.out());
    }

    @Test
    void replaceNamesOldNewAndAddress() {
        assertEquals(
                0, cli.ctl("members", "replace", "n3", "n4", "127.65.1.4:9870").code());
        assertTrue(
                cli.backend().calls.contains("replace n3 n4 127.65.1.4:9870"),
                cli.backend().calls.toString());
        ScalerCtlFixture.Run unknown = cli.ctl("members", "replace", "n9", "n4", "127.65.1.4:9870");
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("unknown node 'n9'"), unknown.err());
    }

    @Test
    void withoutALeaderAChangeExitsThree() {
        cli.backend().leader = false;
        assertEquals(3, cli.ctl("members", "add", "n4", "127.65.1.4:9870").code());
        assertEquals(3, cli.ctl("members", "remove", "n3").code());
    }

    @Test
    void malformedAddressOrMissingArgumentsAreUsageErrorsAndNothingIsSent() {
        ScalerCtlFixture.Run bad = cli.ctl("members", "add", "n4", "no-port");
        assertEquals(2, bad.code(), bad.out());
        assertTrue(bad.err().contains("host:port"), bad.err());
        assertEquals(2, cli.ctl("members", "add", "n4").code());
        assertEquals(2, cli.ctl("members", "replace", "n3", "n4", "h:99999").code());
        assertTrue(
                cli.backend().calls.stream().noneMatch(c -> c.startsWith("add") || c.startsWith("replace")),
                cli.backend().calls.toString());
    }

    @Test
    void theRoutesCheckTheirBodies() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String[] c : List.of(
                new String[] {"/v1/members/n4/add", "", "a JSON body"},
                new String[] {"/v1/members/n4/add", "{\"address\":\"nope\"}", "host:port"},
                new String[] {"/v1/members/n4/add", "{\"address\":\"h:1\",\"x\":1}", "unknown field"},
                new String[] {"/v1/members/n3/replace", "{\"address\":\"h:1\"}", "\\\"by\\\""})) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(cli.server().uri() + c[0]))
                            .header("Authorization", "Bearer " + TOKEN)
                            .POST(HttpRequest.BodyPublishers.ofString(c[1]))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, r.statusCode(), c[0] + " " + c[1] + ": " + r.body());
            assertTrue(r.body().contains(c[2]), r.body());
        }
        assertTrue(cli.backend().calls.isEmpty(), cli.backend().calls.toString());
    }
}
