package org.sipmediadeploy.core.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.sipmediadeploy.core.config.FailoverSettings;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.model.Member;
import org.sipmediadeploy.core.model.PairMode;
import org.sipmediadeploy.core.model.PairState;

/**
 * Decides, for one active/standby pair, whether to move the floating IP, repair it, or replace a failed member.
 * Pure: the same input gives the same verdict. Rules, in order (the safest wins):
 * <ol>
 *   <li>nothing while a move or replacement of the pair is still open in the log;</li>
 *   <li>the active is suspect when the pair's detector says so ({@link FailureDetector}: consecutive failures,
 *       or accrued suspicion), with twice the bar within {@code minInterval} of the last failover;</li>
 *   <li>a suspect is failed over only when a majority of nodes sees it down (the verdict asks for it first);</li>
 *   <li>never to a standby that is not passing its own probe: both down raises an alarm and holds the IP;</li>
 *   <li>{@code maxPerHour} failovers within the last hour put the pair in MANUAL with an alarm;</li>
 *   <li>only in AUTO mode; no automatic fail-back;</li>
 *   <li>with a healthy active: a floating IP seen on another port is put back; a standby failing for
 *       {@code replaceAfter} (confirmed by a majority) is replaced, at most {@code maxPerHour} replacements an hour
 *       (then an alarm: a member that never comes up must not turn into a stream of new VMs).</li>
 * </ol>
 */
public final class FailoverPolicy {
    private static final Duration HOUR = Duration.ofHours(1);

    private FailoverPolicy() {}

    public static PairVerdict decide(
            PairState pair, PairObservation obs, FailoverSettings s, Instant now, DecisionIds ids) {
        if (obs.workOpen()) {
            return PairVerdict.nothing("a decision on " + pair.name() + " is still being carried out");
        }
        Member active = pair.active();
        Member standby = pair.standby();
        TargetHealth a = obs.healthOf(active.serverId());
        TargetHealth b = obs.healthOf(standby.serverId());
        Instant last = pair.failovers().isEmpty()
                ? null
                : pair.failovers().get(pair.failovers().size() - 1);
        boolean recent = last != null && Duration.between(last, now).compareTo(s.minInterval()) < 0;
        if (FailureDetector.suspects(a, s, recent)) {
            return activeDown(pair, obs, s, now, ids, active, standby, a, b, recent);
        }
        if (FailureDetector.suspects(a, s, false)) {
            return PairVerdict.nothing(active.name() + " failing again within min-interval " + s.minInterval()
                    + " of the last failover: waiting for " + FailureDetector.bar(s, true));
        }
        if (!a.isUp()) {
            return PairVerdict.nothing(active.name() + " not yet confirmed up");
        }
        // The active is healthy: repair the floating IP's association, then the standby.
        if (pair.mode() == PairMode.AUTO
                && obs.floatingIpSeen()
                && !active.portId().equals(obs.floatingIpPortId())) {
            String where = obs.floatingIpPortId() == null ? "no port" : "port " + obs.floatingIpPortId();
            return PairVerdict.decide(
                    new Decision.Reassociate(
                            ids.next(),
                            pair.name(),
                            active.serverId(),
                            "floating IP " + pair.floatingIpAddress() + " found on " + where + ", active is "
                                    + active.name(),
                            obs.floatingIpSource()),
                    List.of());
        }
        if (FailureDetector.suspects(b, s, false)) {
            Alarm alarm = new Alarm(pair.name(), "standby " + standby.name() + " failing: " + b.lastReason());
            boolean longEnough = b.failingSince() != null
                    && Duration.between(b.failingSince(), now).compareTo(s.replaceAfter()) >= 0;
            if (!s.replaceFailed() || pair.mode() != PairMode.AUTO || !longEnough || pair.replacing() != null) {
                return PairVerdict.alarm(alarm, "standby down, not replacing yet");
            }
            long replacedInLastHour = obs.replacements().stream()
                    .filter(t -> Duration.between(t, now).compareTo(HOUR) < 0)
                    .count();
            if (replacedInLastHour >= s.maxPerHour()) {
                return PairVerdict.alarm(
                        new Alarm(
                                pair.name(),
                                alarm.message() + "; " + replacedInLastHour
                                        + " replacements in the last hour reached max-per-hour " + s.maxPerHour()
                                        + ": not replacing again"),
                        "standby down, replacement limit reached");
            }
            // Replacing destroys a VM: like a failover, it needs a majority to see the standby down.
            Confirmation c = obs.confirmation(standby.serverId()).orElse(null);
            if (c == null) {
                return PairVerdict.askPeers(
                        standby.serverId(), List.of(alarm), "standby failing: asking the other nodes");
            }
            if (!c.isMajority()) {
                return PairVerdict.alarm(alarm, "standby failing but only " + c + " see it down: not replacing");
            }
            String id = ids.next();
            return PairVerdict.decide(
                    new Decision.ReplaceMember(
                            id,
                            pair.name(),
                            standby.serverId(),
                            pair.name() + "-" + id,
                            "standby " + standby.name() + " failing for "
                                    + Duration.between(b.failingSince(), now).toSeconds() + " s (" + b.lastReason()
                                    + "), confirmed down by " + c + ": replace it"),
                    List.of(alarm));
        }
        return PairVerdict.nothing("healthy");
    }

    private static PairVerdict activeDown(
            PairState pair,
            PairObservation obs,
            FailoverSettings s,
            Instant now,
            DecisionIds ids,
            Member active,
            Member standby,
            TargetHealth a,
            TargetHealth b,
            boolean recent) {
        String failing =
                active.name() + " failed " + FailureDetector.describe(a, s, recent) + " (" + a.lastReason() + ")";
        if (!b.isUp()) {
            return PairVerdict.alarm(
                    new Alarm(
                            pair.name(),
                            "both members down: " + failing + "; standby " + standby.name() + ": " + b.lastReason()
                                    + "; floating IP kept on " + active.name()),
                    "both down: hold");
        }
        if (pair.mode() != PairMode.AUTO) {
            return PairVerdict.alarm(
                    new Alarm(pair.name(), failing + "; pair is " + pair.mode() + ", no automatic failover"),
                    "not in auto mode");
        }
        if (obs.confirmation(active.serverId()).isEmpty()) {
            return PairVerdict.askPeers(active.serverId(), List.of(), failing + ": asking the other nodes");
        }
        Confirmation c = obs.confirmation(active.serverId()).get();
        if (!c.isMajority()) {
            return PairVerdict.nothing(failing + " but only " + c + " see it down: no failover");
        }
        long inLastHour = pair.failovers().stream()
                .filter(t -> Duration.between(t, now).compareTo(HOUR) < 0)
                .count();
        if (inLastHour >= s.maxPerHour()) {
            String why = failing + "; " + inLastHour + " failovers in the last hour reached max-per-hour "
                    + s.maxPerHour() + ": pair set to MANUAL";
            return PairVerdict.decide(
                    new Decision.HoldPair(ids.next(), pair.name(), why), List.of(new Alarm(pair.name(), why)));
        }
        return PairVerdict.decide(
                new Decision.Failover(
                        ids.next(),
                        pair.name(),
                        active.serverId(),
                        standby.serverId(),
                        failing + ", confirmed down by " + c + "; standby " + standby.name()
                                + " up (" + b.lastReason() + ")"
                                + (recent ? "; within min-interval, needed " + FailureDetector.bar(s, true) : ""),
                        obs.floatingIpSource()),
                List.of());
    }
}
