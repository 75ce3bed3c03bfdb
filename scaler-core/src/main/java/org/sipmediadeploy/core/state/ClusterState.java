package org.sipmediadeploy.core.state;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.model.PairState;
import org.sipmediadeploy.core.model.PoolState;
import org.sipmediadeploy.core.model.ScalerMembers;

/**
 * The whole replicated state, an immutable value. {@code open} holds decisions committed without an outcome;
 * {@code history} the last {@link #HISTORY_LIMIT} finished ones, oldest first. {@code highestTerm} is the highest
 * term any accepted command carried: commands from lower terms are refused (fencing of deposed leaders).
 * {@code scalers} is the record of the scaler cluster itself and its replacement under way (self-healing).
 * {@code alarms} are the leader's standing alarms (scope to message), replicated so that every node's status shows
 * them.
 */
public record ClusterState(
        Map<String, PairState> pairs,
        Map<String, PoolState> pools,
        Map<String, DecisionRecord> open,
        List<DecisionRecord> history,
        long highestTerm,
        ScalerMembers scalers,
        Map<String, String> alarms) {
    public static final int HISTORY_LIMIT = 500;

    public ClusterState {
        pairs = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(pairs)));
        pools = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(pools)));
        open = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(open)));
        history = List.copyOf(history);
        scalers = scalers == null ? ScalerMembers.EMPTY : scalers;
        alarms = alarms == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(alarms));
    }

    /** A state without replicated alarms (what states written before alarms were replicated hold). */
    public ClusterState(
            Map<String, PairState> pairs,
            Map<String, PoolState> pools,
            Map<String, DecisionRecord> open,
            List<DecisionRecord> history,
            long highestTerm,
            ScalerMembers scalers) {
        this(pairs, pools, open, history, highestTerm, scalers, Map.of());
    }

    /** A state without a record of the scaler members (what states written before self-healing hold). */
    public ClusterState(
            Map<String, PairState> pairs,
            Map<String, PoolState> pools,
            Map<String, DecisionRecord> open,
            List<DecisionRecord> history,
            long highestTerm) {
        this(pairs, pools, open, history, highestTerm, ScalerMembers.EMPTY, Map.of());
    }

    public static ClusterState empty() {
        return new ClusterState(Map.of(), Map.of(), Map.of(), List.of(), 0, ScalerMembers.EMPTY, Map.of());
    }

    public Optional<PairState> pair(String name) {
        return Optional.ofNullable(pairs.get(name));
    }

    public Optional<PoolState> pool(String name) {
        return Optional.ofNullable(pools.get(name));
    }

    /** A decision by id, open or in the history. */
    public Optional<DecisionRecord> decision(String id) {
        DecisionRecord r = open.get(id);
        if (r != null) {
            return Optional.of(r);
        }
        for (int i = history.size() - 1; i >= 0; i--) {
            if (history.get(i).id().equals(id)) {
                return Optional.of(history.get(i));
            }
        }
        return Optional.empty();
    }

    ClusterState withPair(PairState p) {
        Map<String, PairState> next = new TreeMap<>(pairs);
        next.put(p.name(), p);
        return new ClusterState(next, pools, open, history, highestTerm, scalers, alarms);
    }

    ClusterState withPool(PoolState p) {
        Map<String, PoolState> next = new TreeMap<>(pools);
        next.put(p.name(), p);
        return new ClusterState(pairs, next, open, history, highestTerm, scalers, alarms);
    }

    ClusterState withOpen(DecisionRecord r) {
        Map<String, DecisionRecord> next = new TreeMap<>(open);
        next.put(r.id(), r);
        return new ClusterState(pairs, pools, next, history, highestTerm, scalers, alarms);
    }

    /** Closes a decision: removed from {@code open}, appended to the bounded history. */
    ClusterState withClosed(DecisionRecord r) {
        Map<String, DecisionRecord> nextOpen = new TreeMap<>(open);
        nextOpen.remove(r.id());
        List<DecisionRecord> nextHistory = new ArrayList<>(history.size() + 1);
        nextHistory.addAll(history);
        nextHistory.add(r);
        int drop = nextHistory.size() - HISTORY_LIMIT;
        return new ClusterState(
                pairs,
                pools,
                nextOpen,
                drop > 0 ? nextHistory.subList(drop, nextHistory.size()) : nextHistory,
                highestTerm,
                scalers,
                alarms);
    }

    ClusterState withTerm(long term) {
        return term <= highestTerm ? this : new ClusterState(pairs, pools, open, history, term, scalers, alarms);
    }

    ClusterState withScalers(ScalerMembers next) {
        return new ClusterState(pairs, pools, open, history, highestTerm, next, alarms);
    }

    ClusterState withAlarms(Map<String, String> next) {
        return new ClusterState(pairs, pools, open, history, highestTerm, scalers, next);
    }
}
