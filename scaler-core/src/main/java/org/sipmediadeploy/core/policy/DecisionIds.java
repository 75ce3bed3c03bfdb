package org.sipmediadeploy.core.policy;

/** Source of fresh decision ids; the loop hands out {@code d<term>-<seq>}, tests a counter. */
@FunctionalInterface
public interface DecisionIds {
    String next();

    /** Ids {@code d<term>-<n>} counting from {@code start}: unique since a term has a single leader. */
    static DecisionIds forTerm(long term, long start) {
        long[] n = {start};
        return () -> "d" + term + "-" + (n[0]++);
    }
}
