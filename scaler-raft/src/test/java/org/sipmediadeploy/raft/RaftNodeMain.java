package org.sipmediadeploy.raft;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.port.Consensus.CommitResult;

/**
 * One scaler Raft node in its own JVM, for the multi-process tests and the benchmark. Arguments:
 * {@code nodeId peers storageDir} with peers as {@code n1=127.0.0.1:p1,n2=...}. Prints {@code @@ } lines
 * (READY term, NOTLEADER, REPLY ...) and reads one command per line on stdin.
 */
public final class RaftNodeMain {
    private RaftNodeMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> peers = new TreeMap<>();
        // "id=host:port,...": every entry is read whole, so dropped trailing empty entries cannot matter
        @SuppressWarnings("StringSplitter")
        String[] entries = args[1].split(",");
        for (String p : entries) {
            String[] kv = p.split("=", 2);
            peers.put(kv[0], kv[1]);
        }
        RaftSettings settings = RaftSettings.of("test-cluster", args[0], peers, Path.of(args[2]));
        // The benchmark may try other election timeouts; the tests use the defaults.
        long min =
                Long.getLong("raft.electionMinMs", settings.electionTimeoutMin().toMillis());
        long max =
                Long.getLong("raft.electionMaxMs", settings.electionTimeoutMax().toMillis());
        settings = settings.withElectionTimeout(Duration.ofMillis(min), Duration.ofMillis(max));
        RaftNode node = RaftNode.start(settings, new ProbeView(), new LeadershipListener() {
            @Override
            public void leaderReady(long term) {
                say("READY " + term);
            }

            @Override
            public void notLeader() {
                say("NOTLEADER");
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // SIGTERM: hand over leadership first, so the others do not wait an election timeout.
            node.transferLeadership(Duration.ofSeconds(3));
            node.close();
        }));
        say("STARTED " + ProcessHandle.current().pid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] w = line.trim().split(" ");
            try {
                say("REPLY " + w[0] + " " + handle(node, w));
            } catch (Exception e) {
                say("REPLY " + w[0] + " ERROR " + e);
            }
        }
    }

    private static String handle(RaftNode node, String[] w) throws Exception {
        return switch (w[0]) {
            case "status" -> node.leaderTerm().orElse(-1) + " " + node.currentTerm() + " " + node.lastAppliedIndex();
            case "isLeaderIn" -> String.valueOf(node.isLeaderIn(Long.parseLong(w[1])));
            case "initPair" ->
                result(node.propose(new Command.InitPair(Fixtures.kamailio(), Long.parseLong(w[1]), Fixtures.T0))
                        .get(60, TimeUnit.SECONDS));
            case "initPool" ->
                result(node.propose(new Command.InitPool(w[1], Long.parseLong(w[2]), Fixtures.T0))
                        .get(60, TimeUnit.SECONDS));
            case "failover" ->
                result(node.propose(Fixtures.failover(w[1], w[2], w[3], Long.parseLong(w[4])))
                        .get(60, TimeUnit.SECONDS));
            case "failoverAsync" -> {
                // Into the leader's log without waiting for the commit: a cut-off leader's uncommitted tail.
                node.propose(Fixtures.failover(w[1], w[2], w[3], Long.parseLong(w[4])));
                yield "SENT";
            }
            case "active" ->
                node.state().pair("kamailio").map(p -> p.activeServerId()).orElse("none");
            default -> "ERROR unknown command " + w[0];
        };
    }

    private static String result(CommitResult r) {
        return r.accepted() ? "ACCEPTED " + r.index() + " " + r.term() : "REFUSED " + r.refusal();
    }

    private static void say(String s) {
        synchronized (System.out) {
            System.out.println("@@ " + s);
            System.out.flush();
        }
    }
}
