package org.sipmediadeploy.core.command;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.Outcome;
import org.sipmediadeploy.core.model.PairMode;
import org.sipmediadeploy.core.model.PairState;
import org.sipmediadeploy.core.model.PoolMode;
import org.sipmediadeploy.core.model.ReplaceStep;
import org.sipmediadeploy.core.model.ScalerMember;

/**
 * Entries of the replicated log. Each carries the term of the leader that proposed it (stale terms are refused)
 * and the leader's wall-clock time {@code at}, so that applying it is deterministic on every node.
 */
public sealed interface Command {
    long term();

    Instant at();

    /** Seeds a pair from configuration; refused when the pair already exists (the log is the truth after that). */
    record InitPair(PairState pair, long term, Instant at) implements Command {
        public InitPair {
            Objects.requireNonNull(pair, "pair");
            Objects.requireNonNull(at, "at");
        }
    }

    /** Seeds an empty gateway pool; refused when it already exists. */
    record InitPool(String pool, long term, Instant at) implements Command {
        public InitPool {
            Objects.requireNonNull(pool, "pool");
            Objects.requireNonNull(at, "at");
        }
    }

    /** Commit a decision before it is carried out. */
    record Propose(Decision decision, long term, Instant at) implements Command {
        public Propose {
            Objects.requireNonNull(decision, "decision");
            Objects.requireNonNull(at, "at");
        }
    }

    /** Commit what happened when a decision was carried out; {@code facts} holds what the cloud returned. */
    record RecordOutcome(
            String decisionId, Outcome outcome, String detail, Map<String, String> facts, long term, Instant at)
            implements Command {
        public RecordOutcome {
            Objects.requireNonNull(decisionId, "decisionId");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(at, "at");
            detail = detail == null ? "" : detail;
            facts = Map.copyOf(facts == null ? Map.of() : facts);
            if (outcome == Outcome.PENDING) {
                throw new IllegalArgumentException("an outcome cannot be PENDING");
            }
        }
    }

    /** An operator (or the anti-flap rule) changes a pair's mode. */
    record SetPairMode(String pair, PairMode mode, String actor, long term, Instant at) implements Command {
        public SetPairMode {
            Objects.requireNonNull(pair, "pair");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(actor, "actor");
            Objects.requireNonNull(at, "at");
        }
    }

    /** An operator changes the pool's mode. */
    record SetPoolMode(String pool, PoolMode mode, String actor, long term, Instant at) implements Command {
        public SetPoolMode {
            Objects.requireNonNull(pool, "pool");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(actor, "actor");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * The scaler members as the Raft configuration and the cloud show them (ids, addresses, servers); committed by
     * the leader when the record differs, refused while a replacement is under way (the replacement owns it then).
     */
    record SyncScalers(List<ScalerMember> members, long term, Instant at) implements Command {
        public SyncScalers {
            members = List.copyOf(members);
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * A step of the scaler replacement {@code decisionId} is done; {@code facts} holds what it created (server id,
     * port id, address). Refused unless that replacement is under way and at this very step, so a step is
     * recorded once whatever the leader changes.
     */
    record RecordStep(
            String decisionId, ReplaceStep step, String detail, Map<String, String> facts, long term, Instant at)
            implements Command {
        public RecordStep {
            Objects.requireNonNull(decisionId, "decisionId");
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(at, "at");
            detail = detail == null ? "" : detail;
            facts = Map.copyOf(facts == null ? Map.of() : facts);
        }
    }

    /**
     * The leader's standing alarms (scope to message), replacing the replicated set: any node's status shows them.
     * Proposed only when the set changes, at most every few seconds for a changed message.
     */
    record SetAlarms(Map<String, String> alarms, long term, Instant at) implements Command {
        public SetAlarms {
            alarms = Map.copyOf(alarms);
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * Calls seen arriving at {@code pool} in {@code minute} (minutes since the epoch), added to its replicated
     * history so that a new leader forecasts from the same demand. Proposed by the leader once a minute is over.
     */
    record RecordArrivals(String pool, long minute, int count, long term, Instant at) implements Command {
        public RecordArrivals {
            Objects.requireNonNull(pool, "pool");
            Objects.requireNonNull(at, "at");
            if (count < 0 || minute < 0) {
                throw new IllegalArgumentException("need count >= 0 and minute >= 0, got " + count + ", " + minute);
            }
        }
    }
}
