package org.sipmediadeploy.core.policy;

import org.sipmediadeploy.core.decision.DecisionId;

/** Source of fresh decision ids: the control loop hands out {@link DecisionId}s naming its node, tests a counter. */
@FunctionalInterface
public interface DecisionIds {
    String next();

    /** Ids {@code d<term>-<n>} (no node) counting from {@code start}, for the simulator and policy tests. */
    static DecisionIds forTerm(long term, long start) {
        long[] n = {start};
        return () -> new DecisionId(term, n[0]++, "").format();
    }
}
