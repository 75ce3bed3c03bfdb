package org.sipmediadeploy.raft;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.config.FailoverSettings;
import org.sipmediadeploy.core.config.PairConfig;
import org.sipmediadeploy.core.config.ProbeSpec;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.decision.Outcome;
import org.sipmediadeploy.core.loop.ControlLoop;
import org.sipmediadeploy.core.loop.FakeCloud;
import org.sipmediadeploy.core.loop.LoopSpec;
import org.sipmediadeploy.core.model.Member;
import org.sipmediadeploy.core.model.PairState;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeStatus;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.model.ServerMetadata;
import org.sipmediadeploy.core.model.Transport;
import org.sipmediadeploy.core.port.Consensus;
import org.sipmediadeploy.core.port.PeerProbes;
import org.sipmediadeploy.core.port.ScalerEvents;
import org.sipmediadeploy.core.state.Applied;
import org.sipmediadeploy.core.state.ClusterState;
import org.sipmediadeploy.core.state.Transitions;

/**
 * A seeded simulation of three scaler nodes running the real {@link ControlLoop} over an in-memory model of Raft
 * (terms, one leader per term, a shared committed log applied with the real {@link Transitions} and the state
 * machine's term fence), a fake cloud, scripted probes and a manual clock. Real Ratis per seed would take
 * seconds; the model keeps 200+ seeds well under a minute while exercising the same protocol: propose, commit,
 * check {@code isLeaderIn(term)}, act, record.
 *
 * <p>Faults, drawn from the seed: leader killed (restarts later with a fresh loop), leader frozen (resumes later
 * with its stale loop), leader deposed in the middle of a pass right after a commit, proposals whose reply is
 * lost (committed or not), transient cloud errors, the active member failing and recovering, false "down"
 * probes on a single node, tagged servers that neither the state nor the history knows (never to be deleted).
 *
 * <p>Named invariants, checked at every cloud mutation and after every step:
 * <ul>
 *   <li>ACT_BY_LEADER: the acting node is the leader of the current term.</li>
 *   <li>ACT_MATCHES_ONE_DECISION: the mutation matches exactly one committed, open decision.</li>
 *   <li>DONE_WAS_DONE: a decision recorded DONE had its cloud action carried out.</li>
 *   <li>ONE_LEADER_PER_TERM: at most one node is ready leader, in the current term.</li>
 *   <li>CONVERGES: after the faults stop, nothing is left open, the floating IP is on the active member and
 *   every tagged server no recorded decision made is still there (reported, never deleted blindly).</li>
 * </ul>
 */
final class Simulation {
    static final String TAG = "tag-sim";
    static final String PAIR = "kamailio";
    private static final String FLOATING_IP = "203.0.113.10";
    private static final List<String> IDS = List.of("n1", "n2", "n3");

    final List<String> violations = new ArrayList<>();
    /** Every cloud mutation that matched one open decision, with that decision's id (for DONE_WAS_DONE). */
    private final List<FakeCloud.Mutation> mutations = new ArrayList<>();

    private final Random rnd;
    private final long seed;
    private final boolean fenceEnabled;
    private final FakeCloud cloud = new FakeCloud();
    private final Map<String, Node> nodes = new TreeMap<>();
    private final PairConfig pairConfig;
    private final Map<String, Boolean> healthy = new TreeMap<>();
    private ClusterState state = ClusterState.empty();
    private long index;
    private long term;
    private String leader;
    private int electionIn;
    private final List<Pending> pending = new ArrayList<>();
    private Instant now = Fixtures.T0;
    private int step;
    private boolean chaos = true;
    private int orphans;

    private record Pending(Command command, long term) {}

    /** One simulated scaler process. */
    private final class Node {
        final String id;
        boolean alive = true;
        int frozenFor;
        int downFor;
        /** The term this node last led; with the fence disabled it keeps acting in it until it learns. */
        long believedTerm = -1;

        ControlLoop loop;

        Node(String id) {
            this.id = id;
            this.loop = newLoop();
        }

        ControlLoop newLoop() {
            LoopSpec spec = new LoopSpec(id, IDS.size(), TAG, Map.of(PAIR, pairConfig), Map.of(), List.of());
            return new ControlLoop(
                            spec,
                            new SimConsensus(this),
                            cloud.as(id, m -> checkMutation(m)),
                            new SimPeers(this),
                            ScalerEvents.NONE)
                    .withInventoryPeriod(Duration.ZERO);
        }

        boolean running() {
            return alive && frozenFor == 0;
        }
    }

    Simulation(long seed, boolean fenceEnabled) {
        this.seed = seed;
        this.rnd = new Random(seed);
        this.fenceEnabled = fenceEnabled;
        this.pairConfig = new PairConfig(
                PAIR,
                FLOATING_IP,
                List.of("kam-a", "kam-b"),
                new ProbeSpec(
                        ProbeSpec.Kind.SIP_OPTIONS,
                        5060,
                        Transport.UDP,
                        Set.of(200),
                        null,
                        null,
                        Duration.ofSeconds(1),
                        Duration.ofMillis(400)),
                new FailoverSettings(
                        2, Duration.ofSeconds(5), 100, Duration.ofMillis(300), false, Duration.ofMinutes(5)),
                null);
        cloud.addServer("srv-a", "kam-a", Map.of(), "port-a", "10.0.0.1");
        cloud.addServer("srv-b", "kam-b", Map.of(), "port-b", "10.0.0.2");
        cloud.addFip(FLOATING_IP, "port-a");
        healthy.put("10.0.0.1", true);
        healthy.put("10.0.0.2", true);
        for (String id : IDS) {
            nodes.put(id, new Node(id));
        }
        elect();
    }

    /** Runs {@code chaosSteps} with faults, then {@code quietSteps} without, checking invariants throughout. */
    Simulation run(int chaosSteps, int quietSteps) {
        for (int i = 0; i < chaosSteps + quietSteps; i++) {
            chaos = i < chaosSteps;
            if (!chaos && i == chaosSteps) {
                heal();
            }
            step();
            checkState();
            if (!violations.isEmpty()) {
                return this;
            }
        }
        checkConverged();
        return this;
    }

    private void step() {
        step++;
        now = now.plusSeconds(1);
        commitPending(false);
        if (chaos) {
            faults();
        }
        for (Node n : nodes.values()) {
            if (!n.alive && --n.downFor <= 0) {
                n.alive = true;
                n.loop = n.newLoop(); // a restarted process remembers nothing
            } else if (n.alive && n.frozenFor > 0) {
                n.frozenFor--;
            }
        }
        if (leader == null && --electionIn <= 0) {
            elect();
        }
        for (Node n : nodes.values()) {
            if (n.running()) {
                probe(n);
            }
        }
        for (Node n : nodes.values()) {
            if (n.running()) {
                n.loop.tick(now);
                if (!fenceEnabled && n.believedTerm != term) {
                    n.believedTerm = -1; // it learns the new term only once it has run a pass
                }
            }
        }
    }

    private void faults() {
        double r = rnd.nextDouble();
        if (leader != null && r < 0.06) {
            Node l = nodes.get(leader);
            l.alive = false;
            l.downFor = 2 + rnd.nextInt(4);
            depose();
        } else if (leader != null && r < 0.10) {
            nodes.get(leader).frozenFor = 2 + rnd.nextInt(5);
            depose();
        }
        if (rnd.nextDouble() < 0.06) {
            String victim = rnd.nextBoolean() ? "10.0.0.1" : "10.0.0.2";
            healthy.put(victim, !healthy.get(victim));
        }
        if (rnd.nextDouble() < 0.03) {
            orphans++;
            cloud.addServer(
                    "orphan-" + orphans,
                    "gw-orphan-" + orphans,
                    Map.of(
                            ServerMetadata.TAG,
                            TAG,
                            ServerMetadata.DECISION,
                            "d0-" + orphans + "-gone",
                            ServerMetadata.GROUP,
                            "gw",
                            ServerMetadata.ROLE,
                            "gateway"),
                    "port-o" + orphans,
                    "10.0.8." + orphans);
        }
        cloud.failNext(rnd.nextDouble() < 0.05);
    }

    private void heal() {
        healthy.replaceAll((k, v) -> true);
        cloud.failNext(false);
        for (Node n : nodes.values()) {
            n.frozenFor = 0;
            if (!n.alive) {
                n.alive = true;
                n.loop = n.newLoop();
            }
        }
    }

    private void probe(Node n) {
        for (String address : healthy.keySet()) {
            ProbeTarget t = pairConfig.probe().target(address);
            boolean up = healthy.get(address) && !(chaos && rnd.nextDouble() < 0.05); // a lone false "down"
            ProbeResult r = up
                    ? ProbeResult.up(Duration.ofMillis(3), "200 OK", now)
                    : ProbeResult.down(Duration.ofMillis(400), "timeout after 400 ms", now);
            n.loop.probed(t, r);
        }
    }

    /** The leader loses its leadership (killed, frozen, or partitioned away); an election follows. */
    private void depose() {
        leader = null;
        electionIn = 1 + rnd.nextInt(2);
    }

    private void elect() {
        List<String> candidates = new ArrayList<>();
        for (Node n : nodes.values()) {
            if (n.running()) {
                candidates.add(n.id);
            }
        }
        if (candidates.size() * 2 <= IDS.size()) {
            electionIn = 1;
            return; // no majority: no leader
        }
        commitPending(true);
        term++;
        leader = candidates.get(rnd.nextInt(candidates.size()));
        nodes.get(leader).believedTerm = term;
    }

    /** Entries whose reply was lost: committed at the next step, or at a leader change committed or lost. */
    private void commitPending(boolean leaderChange) {
        for (Pending p : List.copyOf(pending)) {
            if (!leaderChange || rnd.nextBoolean()) {
                apply(p.command(), p.term());
            }
        }
        pending.clear();
    }

    private Applied apply(Command c, long entryTerm) {
        index++;
        Optional<String> fence = ScalerStateMachine.termRefusal(c, entryTerm);
        Applied a = fence.isPresent() ? new Applied(state, fence.get()) : Transitions.apply(state, c, index);
        state = a.state();
        return a;
    }

    private CompletableFuture<Consensus.CommitResult> propose(Node from, Command c) {
        if (leader == null) {
            return CompletableFuture.failedFuture(new TimeoutException("no leader"));
        }
        // Routed to the leader's startTransaction: refused before the log.
        Optional<String> refusal = ScalerStateMachine.termRefusal(c, term).or(() -> Transitions.validate(state, c));
        if (refusal.isPresent()) {
            return CompletableFuture.completedFuture(new Consensus.CommitResult(-1, c.term(), refusal.get()));
        }
        double r = chaos ? rnd.nextDouble() : 1;
        if (r < 0.08) {
            pending.add(new Pending(c, term));
            return CompletableFuture.failedFuture(new TimeoutException("reply lost"));
        }
        Applied a = apply(c, term);
        Consensus.CommitResult result = new Consensus.CommitResult(index, term, a.refusal());
        if (r < 0.12 && from.id.equals(leader)) {
            depose(); // deposed right after its commit, in the middle of its pass
        }
        return CompletableFuture.completedFuture(result);
    }

    private final class SimConsensus implements Consensus {
        private final Node node;

        SimConsensus(Node node) {
            this.node = node;
        }

        @Override
        public CompletableFuture<CommitResult> propose(Command command) {
            return Simulation.this.propose(node, command);
        }

        @Override
        public ClusterState state() {
            return state;
        }

        @Override
        public OptionalLong leaderTerm() {
            if (fenceEnabled) {
                // RaftNode: ready leader of the current term with fresh majority contact.
                return node.running() && node.id.equals(leader) ? OptionalLong.of(term) : OptionalLong.empty();
            }
            // Negative control: a node trusts its own belief, as Ratis' isLeader() alone would after a pause.
            return node.believedTerm > 0 ? OptionalLong.of(node.believedTerm) : OptionalLong.empty();
        }
    }

    private final class SimPeers implements PeerProbes {
        private final Node node;

        SimPeers(Node node) {
            this.node = node;
        }

        @Override
        public CompletableFuture<Map<String, ProbeStatus>> ask(String targetKey, Duration timeout) {
            Map<String, ProbeStatus> out = new TreeMap<>();
            for (Node n : nodes.values()) {
                if (n != node && n.running() && !(chaos && rnd.nextDouble() < 0.1)) { // 10% of answers time out
                    out.put(n.id, n.loop.localView(targetKey));
                }
            }
            return CompletableFuture.completedFuture(out);
        }
    }

    private void checkMutation(FakeCloud.Mutation m) {
        String where = "seed " + seed + " step " + step + ": " + m;
        if (!m.node().equals(leader) || !nodes.get(m.node()).running()) {
            violations.add("ACT_BY_LEADER " + where + " but the leader of term " + term + " is " + leader);
        }
        List<DecisionRecord> matching = new ArrayList<>();
        for (DecisionRecord r : state.open().values()) {
            if (matches(r.decision(), m)) {
                matching.add(r);
            }
        }
        if (matching.size() != 1) {
            violations.add("ACT_MATCHES_ONE_DECISION " + where + " matches " + matching);
        } else {
            mutations.add(new FakeCloud.Mutation(
                    m.node(), m.op(), m.target(), matching.get(0).id()));
        }
    }

    private boolean matches(Decision d, FakeCloud.Mutation m) {
        if (m.op().equals("associate")) {
            PairState p = state.pair(PAIR).orElseThrow();
            String to = d instanceof Decision.Failover f
                    ? f.toServerId()
                    : d instanceof Decision.Reassociate r ? r.serverId() : null;
            return to != null
                    && m.target()
                            .equals(p.floatingIpId() + "->"
                                    + p.member(to).map(Member::portId).orElse("?"));
        } else if (m.op().equals("delete")) {
            return d instanceof Decision.DeleteOrphan o && o.serverId().equals(m.target());
        }
        return false;
    }

    private void checkState() {
        int ready = 0;
        for (Node n : nodes.values()) {
            if (n.running()
                    && n.loop != null
                    && new SimConsensus(n).leaderTerm().isPresent()) {
                ready++;
                if (fenceEnabled && new SimConsensus(n).leaderTerm().getAsLong() != term) {
                    violations.add("ONE_LEADER_PER_TERM seed " + seed + ": " + n.id + " leads an old term");
                }
            }
        }
        if (fenceEnabled && ready > 1) {
            violations.add("ONE_LEADER_PER_TERM seed " + seed + " step " + step + ": " + ready + " ready leaders");
        }
        for (DecisionRecord r : state.history()) {
            if (r.outcome() == Outcome.DONE
                    && r.decision().actsOnCloud()
                    && mutations.stream().noneMatch(m -> r.id().equals(m.decisionId()))) {
                violations.add("DONE_WAS_DONE seed " + seed + ": " + r.id() + " is DONE without a cloud action");
            }
        }
    }

    private void checkConverged() {
        if (!state.open().isEmpty()) {
            violations.add(
                    "CONVERGES seed " + seed + ": still open " + state.open().keySet());
        }
        PairState p = state.pair(PAIR).orElse(null);
        if (p == null) {
            violations.add("CONVERGES seed " + seed + ": pair never initialised");
            return;
        }
        String fipPort = cloud.floatingIpByAddress(FLOATING_IP).orElseThrow().portId();
        if (!p.active().portId().equals(fipPort)) {
            violations.add(
                    "CONVERGES seed " + seed + ": floating IP on " + fipPort + " but active is " + p.activeServerId());
        }
        List<String> left =
                cloud.listServers(null, null).stream().map(s -> s.id()).toList();
        long unknownLeft = left.stream().filter(id -> id.startsWith("orphan-")).count();
        if (unknownLeft != orphans) {
            violations.add("CONVERGES seed " + seed + ": " + (orphans - unknownLeft) + " of " + orphans
                    + " servers no recorded decision made were deleted; left " + left);
        }
    }

    int failovers() {
        return (int) state.history().stream()
                .filter(r -> r.decision() instanceof Decision.Failover && r.outcome() == Outcome.DONE)
                .count();
    }

    long terms() {
        return term;
    }

    int mutations() {
        return mutations.size();
    }
}
