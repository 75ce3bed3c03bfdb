package org.sipmediadeploy.core.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.command.Facts;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.decision.Outcome;
import org.sipmediadeploy.core.model.Host;
import org.sipmediadeploy.core.model.HostState;
import org.sipmediadeploy.core.model.Member;
import org.sipmediadeploy.core.model.PairMode;
import org.sipmediadeploy.core.model.PairState;
import org.sipmediadeploy.core.model.PoolState;

/**
 * The pure transition function of the replicated state machine: {@code (state, command, index) -> state'}.
 * {@link #validate} is called before a command enters the log (on the leader) and again by {@link #apply} on
 * every node, so a command that became invalid while in flight (e.g. a second identical failover) changes nothing.
 */
public final class Transitions {
    /** Failover times kept per pair: enough for any sane {@code max-per-hour}. */
    static final int FAILOVER_MEMORY = 32;
    /** Fact key: until when creates are backed off (ISO-8601), set by the leader on quota errors. */
    public static final String BACKOFF_UNTIL = "backoff_until";
    /** Fact key: the error class of a failed cloud action. */
    public static final String ERROR_CLASS = "error_class";

    private Transitions() {}

    /** Why {@code c} would be refused in {@code s}, or empty when it is acceptable. */
    public static Optional<String> validate(ClusterState s, Command c) {
        if (c.term() < s.highestTerm()) {
            return Optional.of("stale term " + c.term() + " < " + s.highestTerm());
        }
        if (c instanceof Command.Propose p) {
            return ProposalChecks.validatePropose(s, p.decision());
        } else if (c instanceof Command.RecordOutcome r) {
            if (!s.open().containsKey(r.decisionId())) {
                return Optional.of("no open decision " + r.decisionId());
            }
            // Checked here so that apply never throws on a committed entry.
            String until = r.facts().get(BACKOFF_UNTIL);
            if (until != null && !isInstant(until)) {
                return Optional.of("malformed " + BACKOFF_UNTIL + " '" + until + "'");
            }
            // A replacement recorded DONE must name the new server, else the pair would keep the failed member.
            if (r.outcome() == Outcome.DONE
                    && s.open().get(r.decisionId()).decision() instanceof Decision.ReplaceMember
                    && r.facts().getOrDefault(Facts.SERVER_ID, "").isBlank()) {
                return Optional.of(
                        "replacement " + r.decisionId() + " recorded DONE without the new " + Facts.SERVER_ID);
            }
            // ... nor a server the pair already holds: the pair would hold one server twice and have no standby.
            if (r.outcome() == Outcome.DONE
                    && s.open().get(r.decisionId()).decision() instanceof Decision.ReplaceMember m
                    && s.pair(m.pair())
                            .flatMap(p -> p.member(r.facts().get(Facts.SERVER_ID)))
                            .filter(member -> !member.serverId().equals(m.failedServerId()))
                            .isPresent()) {
                return Optional.of("replacement " + r.decisionId() + " names "
                        + r.facts().get(Facts.SERVER_ID) + ", already a member of " + m.pair());
            }
            return Optional.empty();
        } else if (c instanceof Command.InitPair i) {
            return s.pairs().containsKey(i.pair().name())
                    ? Optional.of("pair " + i.pair().name() + " exists")
                    : Optional.empty();
        } else if (c instanceof Command.InitPool i) {
            return s.pools().containsKey(i.pool()) ? Optional.of("pool " + i.pool() + " exists") : Optional.empty();
        } else if (c instanceof Command.SetPairMode m) {
            Optional<PairState> pair = s.pair(m.pair());
            if (pair.isEmpty()) {
                return Optional.of("unknown pair " + m.pair());
            }
            return pair.get().mode().canMoveTo(m.mode())
                    ? Optional.empty()
                    : Optional.of("pair " + m.pair() + " is already " + m.mode());
        } else if (c instanceof Command.SetPoolMode m) {
            Optional<PoolState> pool = s.pool(m.pool());
            if (pool.isEmpty()) {
                return Optional.of("unknown pool " + m.pool());
            }
            return pool.get().mode().canMoveTo(m.mode())
                    ? Optional.empty()
                    : Optional.of("pool " + m.pool() + " is already " + m.mode());
        } else if (c instanceof Command.SyncScalers x) {
            return SelfHealingTransitions.validateSync(s, x);
        } else if (c instanceof Command.RecordStep x) {
            return SelfHealingTransitions.validateStep(s, x);
        } else if (c instanceof Command.SetAlarms) {
            return Optional.empty();
        } else if (c instanceof Command.RecordArrivals r) {
            return s.pools().containsKey(r.pool()) ? Optional.empty() : Optional.of("unknown pool " + r.pool());
        }
        throw new AssertionError(c);
    }

    /** Applies {@code c}, committed at log {@code index}; a refused command leaves the state as it was. */
    public static Applied apply(ClusterState s, Command c, long index) {
        Optional<String> refusal = validate(s, c);
        if (refusal.isPresent()) {
            return Applied.refused(s, refusal.get());
        }
        ClusterState t = s.withTerm(c.term());
        if (c instanceof Command.Propose p) {
            return Applied.accepted(applyPropose(t, p, index));
        } else if (c instanceof Command.RecordOutcome r) {
            return Applied.accepted(applyOutcome(t, r));
        } else if (c instanceof Command.InitPair i) {
            return Applied.accepted(t.withPair(i.pair()));
        } else if (c instanceof Command.InitPool i) {
            return Applied.accepted(t.withPool(PoolState.empty(i.pool())));
        } else if (c instanceof Command.SetPairMode m) {
            PairState pair = t.pairs().get(m.pair()).withMode(m.mode());
            // Resuming clears the anti-flap memory: the operator has looked at the pair.
            return Applied.accepted(t.withPair(m.mode() == PairMode.AUTO ? pair.withFailovers(List.of()) : pair));
        } else if (c instanceof Command.SetPoolMode m) {
            return Applied.accepted(t.withPool(t.pools().get(m.pool()).withMode(m.mode())));
        } else if (c instanceof Command.SyncScalers x) {
            return Applied.accepted(SelfHealingTransitions.applySync(t, x));
        } else if (c instanceof Command.RecordStep x) {
            return Applied.accepted(SelfHealingTransitions.applyStep(t, x));
        } else if (c instanceof Command.SetAlarms a) {
            return Applied.accepted(t.withAlarms(a.alarms()));
        } else if (c instanceof Command.RecordArrivals r) {
            return Applied.accepted(t.withPool(t.pools().get(r.pool()).withArrivals(r.minute(), r.count())));
        }
        throw new AssertionError(c);
    }

    private static ClusterState applyPropose(ClusterState s, Command.Propose p, long index) {
        Decision d = p.decision();
        Instant at = p.at();
        ClusterState t = s;
        if (d instanceof Decision.Failover f) {
            PairState pair = s.pairs().get(f.pair());
            List<Instant> times = new ArrayList<>(pair.failovers());
            times.add(at);
            if (times.size() > FAILOVER_MEMORY) {
                times = times.subList(times.size() - FAILOVER_MEMORY, times.size());
            }
            t = s.withPair(pair.withActive(f.toServerId()).withFailovers(times));
        } else if (d instanceof Decision.ReplaceMember r) {
            t = s.withPair(s.pairs().get(r.pair()).withReplacing(r.failedServerId()));
        } else if (d instanceof Decision.HoldPair h) {
            t = s.withPair(s.pairs().get(h.pair()).withMode(PairMode.MANUAL));
        } else if (d instanceof Decision.CreateHost h) {
            PoolState pool = s.pools().get(h.pool());
            t = s.withPool(pool.withHost(new Host(h.hostName(), null, null, HostState.CREATING, at, at, d.id())));
        } else if (d instanceof Decision.HostReady h) {
            t = moveHost(s, h.pool(), h.hostName(), HostState.READY, at);
        } else if (d instanceof Decision.AdoptHost a) {
            t = s.withPool(s.pools()
                    .get(a.pool())
                    .withHost(new Host(a.hostName(), a.serverId(), a.address(), HostState.READY, at, at, d.id())));
        } else if (d instanceof Decision.DrainHost h) {
            t = moveHost(s, h.pool(), h.hostName(), HostState.DRAINING, at);
        } else if (d instanceof Decision.UndrainHost h) {
            t = moveHost(s, h.pool(), h.hostName(), HostState.READY, at);
        } else if (d instanceof Decision.DeleteHost h) {
            Host host = s.pools().get(h.pool()).hosts().get(h.hostName());
            if (host.state() != HostState.DELETING) {
                t = moveHost(s, h.pool(), h.hostName(), HostState.DELETING, at);
            }
        } else if (d instanceof Decision.ReplaceScaler r) {
            t = SelfHealingTransitions.applyPropose(s, r, at);
        }
        DecisionRecord rec = new DecisionRecord(d, p.term(), index, at, Outcome.PENDING, "", null, Map.of());
        if (!d.actsOnCloud()) {
            return t.withClosed(rec.withOutcome(Outcome.DONE, "committed", at, Map.of()));
        }
        return t.withOpen(rec);
    }

    private static ClusterState applyOutcome(ClusterState s, Command.RecordOutcome r) {
        DecisionRecord rec = s.open().get(r.decisionId());
        Decision d = rec.decision();
        boolean done = r.outcome() == Outcome.DONE;
        ClusterState t = s;
        if (d instanceof Decision.Failover f && r.outcome() == Outcome.SKIPPED) {
            // Dry run: the floating IP was not moved, so the intent goes back to where it is, and the failover does
            // not count towards max-per-hour (a dry run must not end in MANUAL for moves that never happened).
            PairState pair = s.pairs().get(f.pair());
            List<Instant> times = new ArrayList<>(pair.failovers());
            times.remove(rec.proposedAt());
            t = s.withPair(pair.withActive(f.fromServerId()).withFailovers(times));
        } else if (d instanceof Decision.ReplaceMember m) {
            PairState pair = s.pairs().get(m.pair());
            if (done && r.facts().containsKey(Facts.SERVER_ID)) {
                List<Member> members = new ArrayList<>();
                for (Member old : pair.members()) {
                    members.add(
                            old.serverId().equals(m.failedServerId())
                                    ? new Member(
                                            r.facts().get(Facts.SERVER_ID),
                                            m.newName(),
                                            r.facts().getOrDefault(Facts.PORT_ID, ""),
                                            r.facts().getOrDefault(Facts.ADDRESS, ""))
                                    : old);
                }
                pair = pair.withMembers(members);
            }
            t = s.withPair(pair.withReplacing(null));
        } else if (d instanceof Decision.CreateHost h) {
            PoolState pool = s.pools().get(h.pool());
            Host host = pool.hosts().get(h.hostName());
            if (host != null && done) {
                pool = pool.withHost(host.withServer(
                                r.facts().get(Facts.SERVER_ID), r.facts().get(Facts.ADDRESS)))
                        .withBackoff(0, null);
            } else if (host != null && r.outcome() == Outcome.SKIPPED) {
                pool = pool.withoutHost(h.hostName());
            } else if (host != null && host.state().canMoveTo(HostState.FAILED)) {
                pool = pool.withHost(host.withServer(
                                r.facts().get(Facts.SERVER_ID), r.facts().get(Facts.ADDRESS))
                        .moveTo(HostState.FAILED, r.at()));
                String until = r.facts().get(BACKOFF_UNTIL);
                if (until != null) {
                    pool = pool.withBackoff(pool.createFailures() + 1, Instant.parse(until));
                }
            }
            t = s.withPool(pool);
        } else if (d instanceof Decision.DeleteHost h && (done || r.outcome() == Outcome.SKIPPED)) {
            PoolState pool = s.pools().get(h.pool());
            t = s.withPool(done ? pool.withoutHost(h.hostName()) : pool);
        } else if (d instanceof Decision.ReplaceScaler) {
            t = SelfHealingTransitions.applyOutcome(s, r);
        }
        return t.withClosed(rec.withOutcome(r.outcome(), r.detail(), r.at(), r.facts()));
    }

    private static boolean isInstant(String text) {
        try {
            Instant.parse(text);
            return true;
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    private static ClusterState moveHost(ClusterState s, String poolName, String hostName, HostState next, Instant at) {
        PoolState pool = s.pools().get(poolName);
        return s.withPool(pool.withHost(pool.hosts().get(hostName).moveTo(next, at)));
    }
}
