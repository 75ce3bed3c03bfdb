package org.sipmediadeploy.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.sipmediadeploy.core.Fixtures;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.command.Facts;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionId;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.decision.Outcome;
import org.sipmediadeploy.core.model.Host;
import org.sipmediadeploy.core.model.PairMode;
import org.sipmediadeploy.core.model.PairState;
import org.sipmediadeploy.core.model.PoolMode;
import org.sipmediadeploy.core.model.PoolState;

/**
 * Random command sequences against the replicated state machine. Ops are small integer tuples interpreted against
 * the current state (so many are accepted), with stale terms, duplicate ids and malformed facts mixed in.
 */
class TransitionsPropertiesTest {
    private static final String[] POOLS = {Fixtures.POOL, "nope"};
    private static final String[] HOSTS = {"gw-1", "gw-2", "gw-3"};

    /** One op: what to do ({@code kind}), three selectors, and a term step in {-1, 0, +1}. */
    record Op(int kind, int a, int b, int c, int termStep) {}

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(
                        Arbitraries.integers().between(0, 15),
                        Arbitraries.integers().between(0, 99),
                        Arbitraries.integers().between(0, 99),
                        Arbitraries.integers().between(0, 99),
                        Arbitraries.integers()
                                .between(-1, 1)
                                .withDistribution(net.jqwik.api.RandomDistribution.uniform()))
                .as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(80);
    }

    @Property(tries = 1500)
    void anyCommandSequenceNeverThrowsAndKeepsTheInvariants(@ForAll("ops") List<Op> ops) {
        run(ops, true);
    }

    @Property(tries = 300)
    void theSameSequenceGivesEqualStates(@ForAll("ops") List<Op> ops) {
        assertEquals(run(ops, false), run(ops, false));
    }

    @Property(tries = 200)
    void stepsThatWereAcceptedChangeTheStateOrOnlyItsTerm(@ForAll("ops") @Size(max = 40) List<Op> ops) {
        ClusterState s = start();
        Interpreter in = new Interpreter();
        long index = 10;
        for (Op op : ops) {
            Command c = in.command(s, op);
            Applied a = Transitions.apply(s, c, index++);
            if (a.isAccepted() && !(c instanceof Command.SetPairMode) && !(c instanceof Command.SetPoolMode)) {
                assertNotEquals(s, a.state(), () -> "accepted but no effect: " + c);
            }
            s = a.state();
        }
    }

    private static ClusterState start() {
        ClusterState s = Transitions.apply(
                        ClusterState.empty(), new Command.InitPair(Fixtures.pair(), 1, Fixtures.T0), 1)
                .state();
        return Transitions.apply(s, new Command.InitPool(Fixtures.POOL, 1, Fixtures.T0), 2)
                .state();
    }

    private static ClusterState run(List<Op> ops, boolean check) {
        ClusterState s = start();
        Interpreter in = new Interpreter();
        long index = 10;
        for (Op op : ops) {
            Command c = in.command(s, op);
            boolean valid = Transitions.validate(s, c).isEmpty();
            Applied a = Transitions.apply(s, c, index++);
            if (check) {
                assertEquals(valid, a.isAccepted(), () -> "validate and apply disagree on " + c);
                if (!a.isAccepted()) {
                    assertSame(s, a.state(), "a refused command changes nothing");
                } else {
                    assertTrue(a.state().highestTerm() >= c.term());
                }
                checkInvariants(a.state(), c);
            }
            s = a.state();
        }
        return s;
    }

    static void checkInvariants(ClusterState s, Command last) {
        String after = " after " + last;
        for (PairState p : s.pairs().values()) {
            assertTrue(p.member(p.activeServerId()).isPresent(), "active is a member" + after);
            assertNotEquals(
                    p.members().get(0).serverId(),
                    p.members().get(1).serverId(),
                    "members are two distinct servers" + after);
            if (p.replacing() != null) {
                assertTrue(p.member(p.replacing()).isPresent(), "the member being replaced is a member" + after);
                assertNotEquals(p.activeServerId(), p.replacing(), "the active is never being replaced" + after);
            }
            assertTrue(p.failovers().size() <= Transitions.FAILOVER_MEMORY);
        }
        for (DecisionRecord r : s.open().values()) {
            assertTrue(r.decision().actsOnCloud(), "only cloud decisions stay open" + after);
            assertEquals(Outcome.PENDING, r.outcome());
            if (r.decision() instanceof Decision.DeleteOrphan o) {
                assertTrue(
                        s.pairs().values().stream()
                                .noneMatch(p -> p.member(o.serverId()).isPresent()),
                        "an orphan being deleted is not a pair member" + after);
            }
            if (r.decision() instanceof Decision.CreateHost c) {
                assertTrue(
                        s.pool(c.pool()).orElseThrow().host(c.hostName()).isPresent(),
                        "an open create has its host" + after);
            } else if (r.decision() instanceof Decision.DeleteHost d) {
                Host h = s.pool(d.pool()).orElseThrow().host(d.hostName()).orElseThrow();
                assertEquals(
                        org.sipmediadeploy.core.model.HostState.DELETING,
                        h.state(),
                        "a host with an open delete is DELETING" + after);
            }
        }
        assertTrue(s.history().size() <= ClusterState.HISTORY_LIMIT);
        for (DecisionRecord r : s.history()) {
            assertTrue(r.outcome().isFinal(), "history holds finished decisions" + after);
            assertTrue(!s.open().containsKey(r.id()), "a decision is open or closed, not both" + after);
        }
        for (PoolState pool : s.pools().values()) {
            assertTrue(pool.createFailures() >= 0);
            for (Map.Entry<String, Host> e : pool.hosts().entrySet()) {
                assertEquals(e.getKey(), e.getValue().name());
                assertNotNull(e.getValue().state());
                assertTrue(
                        !e.getValue().stateSince().isBefore(e.getValue().createdAt()),
                        "state changes after creation" + after);
            }
        }
    }

    /** Turns ops into commands, looking at the state so that most of them make sense. */
    static final class Interpreter {
        private int fresh;
        private int clock;

        // Generated ops pick a mode by index: the index is the random input, not a stored encoding.
        @SuppressWarnings("EnumOrdinal")
        Command command(ClusterState s, Op op) {
            long term = Math.max(1, s.highestTerm() + op.termStep());
            Instant at = Fixtures.T0.plusSeconds(++clock);
            PairState pair = s.pair(Fixtures.PAIR).orElseThrow();
            List<String> servers = new ArrayList<>();
            pair.members().forEach(m -> servers.add(m.serverId()));
            servers.add("srv-x");
            String sa = servers.get(op.a() % servers.size());
            String sb = servers.get(op.b() % servers.size());
            String id = new DecisionId(term, op.b() % 40, "").format();
            String pairName = op.c() % 17 == 0 ? "nope" : Fixtures.PAIR;
            String pool = POOLS[op.c() % 13 == 0 ? 1 : 0];
            String host = HOSTS[op.a() % HOSTS.length];
            return switch (op.kind()) {
                case 0, 1 ->
                    new Command.Propose(
                            sa.equals(sb)
                                    ? new Decision.Failover(
                                            id,
                                            pairName,
                                            pair.activeServerId(),
                                            pair.standby().serverId(),
                                            "r")
                                    : new Decision.Failover(id, pairName, sa, sb, "r"),
                            term,
                            at);
                case 2 -> new Command.Propose(new Decision.Reassociate(id, pairName, sa, "r"), term, at);
                case 3 -> new Command.Propose(new Decision.ReplaceMember(id, pairName, sa, "new-" + id, "r"), term, at);
                case 4 -> new Command.Propose(new Decision.HoldPair(id, pairName, "r"), term, at);
                case 5 -> new Command.Propose(new Decision.CreateHost(id, pool, host, "r"), term, at);
                case 6 -> new Command.Propose(new Decision.HostReady(id, pool, host, "r"), term, at);
                case 7 -> new Command.Propose(new Decision.DrainHost(id, pool, host, "r"), term, at);
                case 8 -> new Command.Propose(new Decision.UndrainHost(id, pool, host, "r"), term, at);
                case 9 -> new Command.Propose(new Decision.DeleteHost(id, pool, host, "r"), term, at);
                case 10 ->
                    new Command.Propose(
                            new Decision.DeleteOrphan(id, pool, op.a() % 4 == 0 ? sb : "srv-o" + (op.a() % 3), "r"),
                            term,
                            at);
                case 11, 12, 13 -> {
                    List<String> open = new ArrayList<>(s.open().keySet());
                    String target = open.isEmpty() || op.a() % 10 == 0 ? id : open.get(op.a() % open.size());
                    Outcome o = List.of(Outcome.DONE, Outcome.FAILED, Outcome.SKIPPED, Outcome.ABANDONED)
                            .get(op.b() % 4);
                    Map<String, String> facts;
                    switch (op.c() % 5) {
                        case 0 -> facts = Map.of();
                        case 1 ->
                            facts = Map.of(
                                    Facts.SERVER_ID,
                                    "srv-n" + ++fresh,
                                    Facts.PORT_ID,
                                    "port-n" + fresh,
                                    Facts.ADDRESS,
                                    "10.9.0." + fresh);
                        case 2 ->
                            facts = Map.of(
                                    Transitions.BACKOFF_UNTIL,
                                    at.plusSeconds(op.a()).toString());
                        case 3 -> facts = Map.of(Transitions.BACKOFF_UNTIL, "soon");
                        default ->
                            facts = Map.of(
                                    Facts.SERVER_ID,
                                    "srv-n" + ++fresh,
                                    Transitions.BACKOFF_UNTIL,
                                    at.plusSeconds(30).toString());
                    }
                    yield new Command.RecordOutcome(target, o, "d", facts, term, at);
                }
                case 14 -> new Command.SetPairMode(pairName, PairMode.values()[op.a() % 3], "op", term, at);
                case 15 ->
                    op.a() % 5 == 0
                            ? new Command.InitPool(pool, term, at)
                            : new Command.SetPoolMode(pool, PoolMode.values()[op.a() % 3], "op", term, at);
                default -> throw new AssertionError(op);
            };
        }
    }
}
