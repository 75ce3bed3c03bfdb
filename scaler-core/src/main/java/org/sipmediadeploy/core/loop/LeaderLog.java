package org.sipmediadeploy.core.loop;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.decision.Outcome;
import org.sipmediadeploy.core.policy.Alarm;
import org.sipmediadeploy.core.port.Consensus;
import org.sipmediadeploy.core.port.ScalerEvents;
import org.sipmediadeploy.core.state.ClusterState;

/**
 * The loop's way to the replicated log, fenced by the term this node leads: commits commands, proposes decisions,
 * has the {@link DecisionExecutor} advance open ones and commits what they did. A decision is advanced only by its
 * own lane ({@link #onPairLane}). Shared by both lanes; {@link #term} is set by the loop when it enters a term.
 */
final class LeaderLog {
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);

    private final Consensus consensus;
    private final ScalerEvents events;
    private final DecisionExecutor executor;
    private final Alarms alarms;
    private volatile long term = -1;
    /**
     * Outcomes whose commit this node could not confirm (the reply was lost or timed out): the command may still
     * have been committed, and then no later pass would advance, and so report, the decision. Each pass reports
     * those the state shows closed.
     */
    private final Set<String> unconfirmedOutcomes = ConcurrentHashMap.newKeySet();

    LeaderLog(Consensus consensus, ScalerEvents events, DecisionExecutor executor, Alarms alarms) {
        this.consensus = consensus;
        this.events = events;
        this.executor = executor;
        this.alarms = alarms;
    }

    long term() {
        return term;
    }

    void term(long t) {
        this.term = t;
    }

    ClusterState state() {
        return consensus.state();
    }

    /** Floating-IP moves and pair holds: what a failover is made of, kept off the lane of slow cloud reads. */
    static boolean onPairLane(Decision d) {
        return d instanceof Decision.Failover || d instanceof Decision.Reassociate || d instanceof Decision.HoldPair;
    }

    /** Advances the open decisions of one lane: the pair lane's ({@code pairLane}) or all others. */
    void advanceOpen(Instant now, boolean pairLane) {
        reportLateOutcomes();
        for (DecisionRecord rec : List.copyOf(consensus.state().open().values())) {
            if (onPairLane(rec.decision()) == pairLane) {
                executor.advance(rec, consensus.state(), term, now).ifPresent(r -> record(rec.id(), r, now));
            }
        }
    }

    void advanceOne(String id, Instant now) {
        reportLateOutcomes();
        DecisionRecord rec = consensus.state().open().get(id);
        if (rec == null) {
            return;
        }
        executor.advance(rec, consensus.state(), term, now).ifPresent(r -> record(id, r, now));
    }

    /** Commits a result: a finished step of a scaler replacement, or the decision's outcome. */
    private void record(String id, DecisionExecutor.Result r, Instant now) {
        if (r.step() != null) {
            Consensus.CommitResult c = commit(new Command.RecordStep(id, r.step(), r.detail(), r.facts(), term, now));
            if (c.accepted()) {
                events.stepRecorded(id, r.step(), r.detail());
            } else {
                events.decisionRefused(id, c.refusal());
            }
            return;
        }
        Consensus.CommitResult c;
        try {
            c = commit(new Command.RecordOutcome(id, r.outcome(), r.detail(), r.facts(), term, now));
        } catch (NotCommitted e) {
            unconfirmedOutcomes.add(id);
            throw e;
        }
        if (c.accepted()) {
            unconfirmedOutcomes.remove(id);
            consensus.state().decision(id).ifPresent(this::reportOutcome);
        }
    }

    private void reportLateOutcomes() {
        for (String id : List.copyOf(unconfirmedOutcomes)) {
            ClusterState s = consensus.state();
            if (!s.open().containsKey(id)) {
                unconfirmedOutcomes.remove(id);
                s.decision(id).ifPresent(this::reportOutcome);
            }
        }
    }

    private void reportOutcome(DecisionRecord rec) {
        events.outcomeRecorded(rec);
        if (rec.decision() instanceof Decision.ReplaceMember m && rec.outcome() == Outcome.FAILED) {
            alarms.raise(new Alarm(
                    m.pair(),
                    "replacement " + m.id() + " of " + m.failedServerId() + " FAILED: " + rec.outcomeDetail()));
        }
    }

    Optional<DecisionRecord> propose(Decision d, Instant now) {
        Consensus.CommitResult c = commit(new Command.Propose(d, term, now));
        if (!c.accepted()) {
            events.decisionRefused(d.id(), c.refusal());
            return Optional.empty();
        }
        Optional<DecisionRecord> rec = consensus.state().decision(d.id());
        rec.ifPresent(events::decisionCommitted);
        return rec;
    }

    Consensus.CommitResult commit(Command c) {
        try {
            return consensus.propose(c).get(COMMIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotCommitted("interrupted while committing");
        } catch (ExecutionException | TimeoutException e) {
            throw new NotCommitted("commit failed: " + e);
        }
    }

    /** A command could not be committed (no quorum, lost leadership): the pass stops, the next one retries. */
    static final class NotCommitted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotCommitted(String message) {
            super(message, null, false, false);
        }
    }
}
