package org.sipmediadeploy.core.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.sipmediadeploy.core.config.SelfHealingConfig;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.model.ScalerIds;
import org.sipmediadeploy.core.model.ScalerMembers;
import org.sipmediadeploy.core.port.Membership;
import org.sipmediadeploy.core.state.ClusterState;

/**
 * When to replace a dead scaler node: pure, {@code (state, the leader's view of the configuration, config, now)} in,
 * at most one {@link Decision.ReplaceScaler} out. Replace only when
 * <ul>
 *   <li>self-healing is enabled;</li>
 *   <li>no replacement is under way (the state says so; a new leader resumes that one instead);</li>
 *   <li>the last replacement closed at least {@code replace-after} ago (a failed one is not retried in a storm);</li>
 *   <li>no configuration change is in progress;</li>
 *   <li>a voting member other than this leader has not answered for {@code replace-after};</li>
 *   <li>a majority of the voters (this leader included) answered within {@code healthy-within}: without it
 *       the configuration cannot change, and a leader cut off from the others must not act.</li>
 * </ul>
 * The member silent longest goes first; ties by id, so the same input gives the same decision.
 */
public final class SelfHealingPolicy {
    private SelfHealingPolicy() {}

    /** The decision (if any) and a note saying why, for status and logs. */
    public record Verdict(Optional<Decision> decision, String note) {}

    public static Verdict decide(
            ClusterState state, Membership.View view, SelfHealingConfig cfg, Instant now, DecisionIds ids) {
        if (!cfg.enabled()) {
            return none("self-healing disabled");
        }
        ScalerMembers sc = state.scalers();
        if (sc.replacement() != null) {
            return none("replacing " + sc.replacement().dead().id() + " by "
                    + sc.replacement().newId() + ": at " + sc.replacement().step());
        }
        if (state.open().values().stream().anyMatch(r -> r.decision() instanceof Decision.ReplaceScaler)) {
            return none("a scaler replacement is open");
        }
        Optional<Instant> lastClosed = lastReplacementClosed(state);
        if (lastClosed.isPresent() && Duration.between(lastClosed.get(), now).compareTo(cfg.replaceAfter()) < 0) {
            return none("last replacement closed at " + lastClosed.get() + ": waiting replace-after");
        }
        if (view.changing()) {
            return none("a configuration change is in progress");
        }
        List<Membership.Peer> voters = view.voters();
        if (voters.isEmpty() || view.peer(view.selfId()).isEmpty()) {
            return none("this node is not a voting member");
        }
        long healthy = voters.stream()
                .filter(p -> p.id().equals(view.selfId())
                        || (p.lastContact() != null && p.lastContact().compareTo(cfg.healthyWithin()) <= 0))
                .count();
        Optional<Membership.Peer> dead = voters.stream()
                .filter(p -> !p.id().equals(view.selfId()))
                .filter(p -> p.lastContact() != null && p.lastContact().compareTo(cfg.replaceAfter()) >= 0)
                .max(Comparator.comparing(Membership.Peer::lastContact)
                        .thenComparing(Membership.Peer::id, Comparator.reverseOrder()));
        if (healthy * 2 <= voters.size()) {
            return none("only " + healthy + " of " + voters.size() + " scaler members healthy: no majority, no change");
        }
        if (dead.isEmpty()) {
            return none(healthy + " of " + voters.size() + " scaler members healthy");
        }
        String deadId = dead.get().id();
        if (sc.member(deadId).isEmpty()) {
            return none(deadId + " unreachable but not yet in the scaler record");
        }
        int highest = Math.max(
                sc.highestOrdinal(),
                ScalerIds.highestOrdinal(
                        voters.stream().map(Membership.Peer::id).toList()));
        String newId = ScalerIds.next(deadId, highest);
        Decision d = new Decision.ReplaceScaler(
                ids.next(),
                deadId,
                newId,
                "scaler member " + deadId
                        + " unreachable for " + dead.get().lastContact().toSeconds() + " s (replace-after "
                        + cfg.replaceAfter().toSeconds() + " s) while " + healthy + " of " + voters.size()
                        + " members are healthy: replacing it by " + newId);
        return new Verdict(Optional.of(d), "replacing " + deadId + " by " + newId);
    }

    private static Optional<Instant> lastReplacementClosed(ClusterState state) {
        for (int i = state.history().size() - 1; i >= 0; i--) {
            DecisionRecord r = state.history().get(i);
            if (r.decision() instanceof Decision.ReplaceScaler) {
                return Optional.ofNullable(r.outcomeAt());
            }
        }
        return Optional.empty();
    }

    private static Verdict none(String note) {
        return new Verdict(Optional.empty(), note);
    }
}
