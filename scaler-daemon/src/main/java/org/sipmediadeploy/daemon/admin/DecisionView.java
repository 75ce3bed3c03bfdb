package org.sipmediadeploy.daemon.admin;

import java.time.Instant;
import java.util.Map;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.decision.Outcome;
import org.sipmediadeploy.daemon.logging.DecisionFields;

/** One decision as {@code GET /v1/history} shows it (the same field names as the decision log lines). */
record DecisionView(
        String decisionId,
        String kind,
        String scope,
        String pair,
        String pool,
        String reason,
        long term,
        long index,
        Instant proposedAt,
        Outcome outcome,
        String outcomeDetail,
        Instant outcomeAt,
        Map<String, String> details,
        Map<String, String> facts) {
    static DecisionView of(DecisionRecord r) {
        String scopeField = DecisionFields.scopeField(r.decision());
        String scope = r.decision().scope();
        return new DecisionView(
                r.id(),
                DecisionFields.kind(r.decision()),
                scope,
                "pair".equals(scopeField) ? scope : null,
                "pool".equals(scopeField) ? scope : null,
                r.decision().reason(),
                r.term(),
                r.index(),
                r.proposedAt(),
                r.outcome(),
                r.outcomeDetail(),
                r.outcomeAt(),
                DecisionFields.details(r.decision()),
                r.facts());
    }
}
