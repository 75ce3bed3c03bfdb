package org.sipmediadeploy.daemon.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.sipmediadeploy.core.model.Secret;
import org.sipmediadeploy.daemon.cli.ScalerCtl;

/**
 * {@code scalerctl members add|remove|replace} against a real admin server and a fake backend (members n1..n3, n3
 * unreachable): the routes, the request bodies and the exit codes (0 ok, 1 refused or unknown, 2 usage, 3 no leader).
 * The same commands against real scaler processes: {@code MembersClusterTest}.
 */
class ScalerCtlMembersTest {
    private static final String HOST = "127.65.0.2";
    private static final String TOKEN = "members-test-token-1";

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
        server = AdminServer.start(AdminServer.Settings.of(HOST, 0, Secret.of(TOKEN)), backend);
        token = dir.resolve("token");
        Files.writeString(token, TOKEN + "\n");
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
    void membersShowsEachMembersRoleAndLastContact() {
        Run r = ctl("members");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("LAST CONTACT") && r.out().contains("127.0.1.3:9870"), r.out());
        assertTrue(r.out().contains("2026-11-28T12:00:00Z"), r.out());
    }

    @Test
    void addSendsTheIdAndAddressAndPrintsTheNewConfiguration() {
        Run r = ctl("members", "add", "n4", "127.65.1.4:9870");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[n1, n2, n3, n4]"), r.out());
        assertTrue(backend.calls.contains("add n4 127.65.1.4:9870"), backend.calls.toString());
    }

    @Test
    void removingAnUnknownNodeIsRefusedNamingIt() {
        Run r = ctl("members", "remove", "n9");
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().contains("404") && r.err().contains("unknown node 'n9'"), r.err());
    }

    @Test
    void removalThatWouldLeaveNoMajorityIsRefusedWithTheReason() {
        Run r = ctl("members", "remove", "n2");
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().contains("409") && r.err().contains("would leave no majority"), r.err());
    }

    @Test
    void removingTheUnreachableMemberIsAccepted() {
        Run r = ctl("members", "remove", "n3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[n1, n2]"), r.out());
    }

    @Test
    void replaceNamesOldNewAndAddress() {
        assertEquals(0, ctl("members", "replace", "n3", "n4", "127.65.1.4:9870").code());
        assertTrue(backend.calls.contains("replace n3 n4 127.65.1.4:9870"), backend.calls.toString());
        Run unknown = ctl("members", "replace", "n9", "n4", "127.65.1.4:9870");
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("unknown node 'n9'"), unknown.err());
    }

    @Test
    void withoutALeaderAChangeExitsThree() {
        backend.leader = false;
        assertEquals(3, ctl("members", "add", "n4", "127.65.1.4:9870").code());
        assertEquals(3, ctl("members", "remove", "n3").code());
    }

    @Test
    void malformedAddressOrMissingArgumentsAreUsageErrorsAndNothingIsSent() {
        Run bad = ctl("members", "add", "n4", "no-port");
        assertEquals(2, bad.code(), bad.out());
        assertTrue(bad.err().contains("host:port"), bad.err());
        assertEquals(2, ctl("members", "add", "n4").code());
        assertEquals(2, ctl("members", "replace", "n3", "n4", "h:99999").code());
        assertTrue(backend.calls.stream().noneMatch(c -> c.startsWith("add") || c.startsWith("replace")),
                backend.calls.toString());
    }

    @Test
    void theRoutesCheckTheirBodies() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String[] c : List.of(
                new String[] {"/v1/members/n4/add", "", "a JSON body"},
                new String[] {"/v1/members/n4/add", "{\"address\":\"nope\"}", "host:port"},
                new String[] {"/v1/members/n4/add", "{\"address\":\"h:1\",\"x\":1}", "unknown field"},
                new String[] {"/v1/members/n3/replace", "{\"address\":\"h:1\"}", "\\\"by\\\""})) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.uri() + c[0]))
                    .header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(c[1])).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, r.statusCode(), c[0] + " " + c[1] + ": " + r.body());
            assertTrue(r.body().contains(c[2]), r.body());
        }
        assertTrue(backend.calls.isEmpty(), backend.calls.toString());
    }
}
