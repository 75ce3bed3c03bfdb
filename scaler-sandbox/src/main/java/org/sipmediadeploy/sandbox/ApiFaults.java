package org.sipmediadeploy.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The armed API fault rules. Draws use one seeded random source, so a run with the same seed and the same
 * sequence of calls injects the same faults.
 */
public final class ApiFaults {
    private final Random random;
    private final List<Armed> rules = new ArrayList<>();

    ApiFaults(long seed) {
        this.random = new Random(seed);
    }

    private static final class Armed {
        final ApiFault fault;
        int remaining;

        Armed(ApiFault fault) {
            this.fault = fault;
            this.remaining = fault.count();
        }
    }

    public synchronized void add(ApiFault fault) {
        rules.add(new Armed(fault));
    }

    public synchronized void clear() {
        rules.clear();
    }

    public synchronized List<ApiFault> armed() {
        return rules.stream().filter(a -> a.remaining != 0).map(a -> a.fault).toList();
    }

    /**
     * The faults that fire for one call: every matching LATENCY rule that fires, plus at most one other kind
     * (the first in arming order that fires).
     */
    synchronized List<ApiFault> draw(String operation, String user) {
        List<ApiFault> fired = new ArrayList<>();
        boolean terminal = false;
        for (Armed a : rules) {
            if (a.remaining == 0 || !a.fault.matches(operation, user)) {
                continue;
            }
            boolean isLatency = a.fault.kind() == ApiFault.Kind.LATENCY;
            if (!isLatency && terminal) {
                continue;
            }
            if (a.fault.rate() < 1.0 && random.nextDouble() >= a.fault.rate()) {
                continue;
            }
            if (a.remaining > 0) {
                a.remaining--;
            }
            fired.add(a.fault);
            terminal |= !isLatency;
        }
        return fired;
    }
}
