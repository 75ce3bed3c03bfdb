package org.sipmediadeploy.raft;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.decision.Outcome;
import org.sipmediadeploy.core.model.ArrivalHistory;
import org.sipmediadeploy.core.model.Host;
import org.sipmediadeploy.core.model.HostState;
import org.sipmediadeploy.core.model.Member;
import org.sipmediadeploy.core.model.PairMode;
import org.sipmediadeploy.core.model.PairState;
import org.sipmediadeploy.core.model.PoolMode;
import org.sipmediadeploy.core.model.PoolState;
import org.sipmediadeploy.core.model.ReplaceStep;
import org.sipmediadeploy.core.model.ScalerMember;
import org.sipmediadeploy.core.model.ScalerMembers;
import org.sipmediadeploy.core.model.ScalerReplacement;
import org.sipmediadeploy.core.model.StepRecord;
import org.sipmediadeploy.core.state.ClusterState;

/** Seeded generators of commands, decisions and whole states, including awkward strings and nulls. */
// A generator picks enum constants by random index: the index is the input, not a stored encoding.
@SuppressWarnings("EnumOrdinal")
final class Gen {
    static final int DECISION_KINDS = 12;
    static final int COMMAND_KINDS = 10;
    private final Random r;

    Gen(long seed) {
        this.r = new Random(seed);
    }

    String str() {
        String[] odd = {"", "ü-ñ", "a\"b\\c", "line\nbreak", "{\"v\":2}", "😀", "x y"};
        return r.nextInt(4) == 0 ? odd[r.nextInt(odd.length)] : "s" + Long.toHexString(r.nextLong());
    }

    String id() {
        return "d" + r.nextInt(1000) + "-" + r.nextInt(100000);
    }

    Instant instant() {
        return Instant.ofEpochSecond(1_700_000_000L + r.nextInt(100_000_000), r.nextInt(1_000_000_000));
    }

    long term() {
        return r.nextInt(5) == 0 ? 0 : 1 + (r.nextLong() & Long.MAX_VALUE) % 1_000_000_000_000L;
    }

    /** Where a move expects the floating IP: none (decided before sources were committed), no port, or a port. */
    org.sipmediadeploy.core.model.FloatingIpSource source() {
        int k = r.nextInt(3);
        return k == 0
                ? null
                : new org.sipmediadeploy.core.model.FloatingIpSource(
                        k == 1 ? null : str(), r.nextInt(4) == 0 ? -1 : r.nextInt(1_000_000));
    }

    Decision decision(int kind) {
        return switch (kind) {
            case 0 -> new Decision.Failover(id(), str(), "a" + str(), "b" + str(), str(), source());
            case 1 -> new Decision.Reassociate(id(), str(), str(), str(), source());
            case 2 -> new Decision.ReplaceMember(id(), str(), str(), str(), str());
            case 3 -> new Decision.HoldPair(id(), str(), str());
            case 4 -> new Decision.CreateHost(id(), str(), str(), str());
            case 5 -> new Decision.HostReady(id(), str(), str(), str());
            case 6 -> new Decision.DrainHost(id(), str(), str(), str());
            case 7 -> new Decision.UndrainHost(id(), str(), str(), str());
            case 8 -> new Decision.DeleteHost(id(), str(), str(), str());
            case 9 -> new Decision.DeleteOrphan(id(), str(), str(), str());
            case 10 -> new Decision.ReplaceScaler(id(), "dead" + str(), "new" + str(), str());
            case 11 -> new Decision.AdoptHost(id(), str(), str(), str(), str(), str());
            default -> throw new AssertionError(kind);
        };
    }

    Decision decision() {
        return decision(r.nextInt(DECISION_KINDS));
    }

    Map<String, String> facts() {
        Map<String, String> m = new TreeMap<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            m.put(str(), str());
        }
        return m;
    }

    PairState pair() {
        List<Member> members =
                List.of(new Member("a" + str(), str(), str(), str()), new Member("b" + str(), str(), str(), str()));
        List<Instant> failovers = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            failovers.add(instant());
        }
        return new PairState(
                str(),
                members,
                members.get(r.nextInt(2)).serverId(),
                str(),
                str(),
                PairMode.values()[r.nextInt(3)],
                failovers,
                r.nextBoolean() ? null : str());
    }

    PoolState pool() {
        Map<String, Host> hosts = new TreeMap<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            String name = "h" + str();
            hosts.put(
                    name,
                    new Host(
                            name,
                            r.nextBoolean() ? null : str(),
                            r.nextBoolean() ? null : str(),
                            HostState.values()[r.nextInt(HostState.values().length)],
                            instant(),
                            instant(),
                            id()));
        }
        ArrivalHistory arrivals = ArrivalHistory.EMPTY;
        long minute = 29_000_000L + r.nextInt(1_000_000);
        for (int i = r.nextInt(3) * r.nextInt(2000); i > 0; i--) {
            arrivals = arrivals.record(minute + r.nextInt(20_000), r.nextInt(100));
        }
        return new PoolState(
                str(),
                PoolMode.values()[r.nextInt(3)],
                hosts,
                r.nextInt(5),
                r.nextBoolean() ? null : instant(),
                arrivals);
    }

    Command command(int kind) {
        return switch (kind) {
            case 0 -> new Command.InitPair(pair(), term(), instant());
            case 1 -> new Command.InitPool(str(), term(), instant());
            case 2 -> new Command.Propose(decision(), term(), instant());
            case 3 ->
                new Command.RecordOutcome(
                        id(),
                        Outcome.values()[1 + r.nextInt(Outcome.values().length - 1)],
                        r.nextBoolean() ? null : str(),
                        facts(),
                        term(),
                        instant());
            case 4 -> new Command.SetPairMode(str(), PairMode.values()[r.nextInt(3)], str(), term(), instant());
            case 5 -> new Command.SetPoolMode(str(), PoolMode.values()[r.nextInt(3)], str(), term(), instant());
            case 6 -> new Command.SyncScalers(List.of(scalerMember(), scalerMember()), term(), instant());
            case 7 ->
                new Command.RecordStep(
                        id(),
                        ReplaceStep.values()[r.nextInt(ReplaceStep.values().length)],
                        r.nextBoolean() ? null : str(),
                        facts(),
                        term(),
                        instant());
            case 8 -> new Command.SetAlarms(facts(), term(), instant());
            case 9 -> new Command.RecordArrivals(str(), 1 + r.nextInt(50_000_000), r.nextInt(200), term(), instant());
            default -> throw new AssertionError(kind);
        };
    }

    ScalerMember scalerMember() {
        return new ScalerMember(
                "s" + str(),
                str() + ":" + (1 + r.nextInt(65535)),
                r.nextBoolean() ? null : str(),
                r.nextBoolean() ? null : str(),
                r.nextBoolean() ? null : id());
    }

    ScalerMembers scalers() {
        Map<String, ScalerMember> members = new TreeMap<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            ScalerMember m = scalerMember();
            members.put(m.id(), m);
        }
        ScalerReplacement rep = null;
        if (r.nextBoolean()) {
            List<StepRecord> done = new ArrayList<>();
            for (int i = r.nextInt(3); i > 0; i--) {
                done.add(
                        new StepRecord(ReplaceStep.values()[r.nextInt(ReplaceStep.values().length)], str(), instant()));
            }
            rep = new ScalerReplacement(
                    id(),
                    scalerMember(),
                    "n" + str(),
                    ReplaceStep.values()[r.nextInt(ReplaceStep.values().length)],
                    r.nextBoolean() ? null : str(),
                    r.nextBoolean() ? null : str(),
                    r.nextBoolean() ? null : str(),
                    instant(),
                    done);
        }
        return new ScalerMembers(members, rep, r.nextInt(10));
    }

    Command command() {
        return command(r.nextInt(COMMAND_KINDS));
    }

    DecisionRecord record(boolean open) {
        Outcome o = open ? Outcome.PENDING : Outcome.values()[1 + r.nextInt(Outcome.values().length - 1)];
        return new DecisionRecord(
                decision(),
                term(),
                r.nextInt(1 << 20),
                instant(),
                o,
                r.nextBoolean() ? null : str(),
                open ? null : instant(),
                facts());
    }

    ClusterState state() {
        Map<String, PairState> pairs = new TreeMap<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            PairState p = pair();
            pairs.put(p.name(), p);
        }
        Map<String, PoolState> pools = new TreeMap<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            PoolState p = pool();
            pools.put(p.name(), p);
        }
        Map<String, DecisionRecord> open = new TreeMap<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            DecisionRecord d = record(true);
            open.put(d.id(), d);
        }
        List<DecisionRecord> history = new ArrayList<>();
        for (int i = r.nextInt(6); i > 0; i--) {
            history.add(record(false));
        }
        return new ClusterState(pairs, pools, open, history, term(), scalers(), facts());
    }
}
