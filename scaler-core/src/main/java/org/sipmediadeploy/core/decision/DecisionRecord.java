package org.sipmediadeploy.core.decision;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A decision as the replicated log holds it: the term and log index that committed it, when, and its outcome
 * (with the facts the cloud returned, e.g. the id of a created server).
 */
public record DecisionRecord(
        Decision decision,
        long term,
        long index,
        Instant proposedAt,
        Outcome outcome,
        String outcomeDetail,
        Instant outcomeAt,
        Map<String, String> facts) {
    public DecisionRecord {
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(proposedAt, "proposedAt");
        Objects.requireNonNull(outcome, "outcome");
        outcomeDetail = outcomeDetail == null ? "" : outcomeDetail;
        facts = Map.copyOf(facts == null ? Map.of() : facts);
    }

    public String id() {
        return decision.id();
    }

    public DecisionRecord withOutcome(Outcome next, String detail, Instant at, Map<String, String> f) {
        return new DecisionRecord(decision, term, index, proposedAt, next, detail, at, f);
    }
}
