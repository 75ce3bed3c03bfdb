package org.sipmediadeploy.core.loop;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.model.Host;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.model.Server;
import org.sipmediadeploy.core.model.ServerMetadata;
import org.sipmediadeploy.core.policy.Alarm;
import org.sipmediadeploy.core.policy.DecisionIds;
import org.sipmediadeploy.core.policy.TargetHealth;
import org.sipmediadeploy.core.state.ClusterState;

/**
 * What to do about the servers that carry the deployment tag but that the replicated state does not hold. The tag
 * alone proves nothing: Terraform tags the pair members and the scaler nodes too, and after a state loss every
 * server the scaler made is unknown. So, in order (the safest wins):
 * <ol>
 *   <li>nothing until every configured pair and pool is in the state: a pair that cannot bootstrap (a mistyped
 *       floating IP, a member without a port) leaves its live members unknown;</li>
 *   <li>scaler nodes (role {@code scaler}) and servers of a decision still open are left alone;</li>
 *   <li>delete only a server whose decision id the state records as a create of ours ({@code CreateHost},
 *       {@code ReplaceMember}, in the history or on a pool host): a crash between create and record, a create
 *       closed FAILED whose server came late, a second server for one decision;</li>
 *   <li>a gateway server of a configured pool made by no recorded decision is probed and adopted into its pool
 *       once its status answers;</li>
 *   <li>anything else (a Terraform member, an unknown decision id) is reported with an alarm, never deleted.</li>
 * </ol>
 * At most one delete or adoption per sweep. Pure: the caller passes the state, the inventory and the health.
 */
final class OrphanCollector {
    /** The alarm scope of the unknown servers that are kept. */
    static final String SCOPE = "orphans";

    private final LoopSpec spec;

    /**
     * What one sweep found: at most one decision, the alarm listing the unknown servers it keeps (empty when
     * none), and the status targets of gateway servers waiting to be adopted (to probe until the next sweep).
     */
    record Sweep(Optional<Decision> decision, Optional<Alarm> alarm, List<ProbeTarget> adoptable) {
        static final Sweep NOTHING = new Sweep(Optional.empty(), Optional.empty(), List.of());
    }

    OrphanCollector(LoopSpec spec) {
        this.spec = spec;
    }

    Sweep sweep(
            ClusterState state,
            Collection<Server> inventory,
            Function<ProbeTarget, TargetHealth> health,
            DecisionIds ids) {
        boolean complete = spec.pairs().keySet().stream()
                        .allMatch(p -> state.pair(p).isPresent())
                && spec.pools().keySet().stream().allMatch(p -> state.pool(p).isPresent());
        if (!complete) {
            return Sweep.NOTHING;
        }
        Map<String, String> kept = new LinkedHashMap<>();
        List<ProbeTarget> adoptable = new ArrayList<>();
        for (Server s : inventory) {
            if (!spec.tag().equals(s.meta(ServerMetadata.TAG).orElse(null))
                    || "scaler".equals(s.meta(ServerMetadata.ROLE).orElse(null))
                    || known(state, s)) {
                continue;
            }
            String decision = s.decisionId().orElse(null);
            if (decision != null && state.open().containsKey(decision)) {
                continue; // its decision is still being carried out and will record it
            }
            if (decision != null && madeByUs(state, decision, s)) {
                return new Sweep(
                        Optional.of(new Decision.DeleteOrphan(
                                ids.next(),
                                s.meta(ServerMetadata.GROUP).orElse("cloud"),
                                s.id(),
                                "server " + s.name() + " was made by decision " + decision
                                        + " but the state does not hold it")),
                        Optional.empty(),
                        List.of());
            }
            Optional<Adoption> adoption = adoption(state, s);
            if (adoption.isPresent()) {
                Adoption a = adoption.get();
                if (health.apply(a.target()).isUp()) {
                    return new Sweep(
                            Optional.of(new Decision.AdoptHost(
                                    ids.next(),
                                    a.pool().name(),
                                    s.name(),
                                    s.id(),
                                    a.target().host(),
                                    "server " + s.name() + " carries tag " + spec.tag()
                                            + ", no recorded decision made it, and its status answers: adopted")),
                            Optional.empty(),
                            List.of());
                }
                adoptable.add(a.target());
                kept.put(s.name(), "adopted once its status answers");
            } else {
                kept.put(s.name(), decision == null ? "no decision id" : "made by " + decision);
            }
        }
        if (kept.isEmpty()) {
            return Sweep.NOTHING;
        }
        List<String> parts = new ArrayList<>();
        kept.forEach((name, why) -> parts.add(name + " (" + why + ")"));
        return new Sweep(
                Optional.empty(),
                Optional.of(new Alarm(
                        SCOPE,
                        kept.size() + " server(s) carry tag "
                                + spec.tag()
                                + " but the state does not know them and no recorded decision made them; not deleted: "
                                + String.join(", ", parts))),
                List.copyOf(adoptable));
    }

    /**
     * The servers of {@code pool} that a sweep would adopt (once their status answers): after a state loss, the
     * pool's own hosts. The pool waits for them before it scales, or every state loss would add hosts.
     */
    List<Server> awaitingAdoption(ClusterState state, Collection<Server> inventory, String pool) {
        List<Server> l = new ArrayList<>();
        for (Server s : inventory) {
            String decision = s.decisionId().orElse(null);
            if (spec.tag().equals(s.meta(ServerMetadata.TAG).orElse(null))
                    && pool.equals(s.meta(ServerMetadata.GROUP).orElse(null))
                    && !known(state, s)
                    && (decision == null || (!state.open().containsKey(decision) && !madeByUs(state, decision, s)))
                    && adoption(state, s).isPresent()) {
                l.add(s);
            }
        }
        return l;
    }

    private record Adoption(PoolConfig pool, ProbeTarget.GatewayStatus target) {}

    /** A gateway server of a configured pool, with an address and a name free in the pool. */
    private Optional<Adoption> adoption(ClusterState state, Server s) {
        if (!"gateway".equals(s.meta(ServerMetadata.ROLE).orElse(null))) {
            return Optional.empty();
        }
        PoolConfig cfg = spec.pools().get(s.meta(ServerMetadata.GROUP).orElse(""));
        if (cfg == null
                || s.primaryAddress().isEmpty()
                || state.pool(cfg.name()).flatMap(p -> p.host(s.name())).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new Adoption(
                cfg,
                new ProbeTarget.GatewayStatus(
                        s.primaryAddress().get(),
                        cfg.status().port(),
                        cfg.status().path(),
                        cfg.status().idleKey(),
                        cfg.status().terminateKey())));
    }

    /**
     * A pair member, a host's server, or the server of a host whose create has not recorded one yet (a host
     * already holding another server does not make a second server of its decision known).
     */
    private static boolean known(ClusterState state, Server s) {
        String decision = s.decisionId().orElse(null);
        boolean member =
                state.pairs().values().stream().anyMatch(p -> p.member(s.id()).isPresent());
        return member
                || state.pools().values().stream()
                        .flatMap(p -> p.hostList().stream())
                        .anyMatch(h -> s.id().equals(h.serverId())
                                || (h.serverId() == null && h.decisionId().equals(decision)));
    }

    /**
     * Whether the state records {@code decision} as one of ours that creates servers, and {@code s} can be its
     * server (not dated before the decision: see {@link Provenance}).
     */
    private static boolean madeByUs(ClusterState state, String decision, Server s) {
        Optional<DecisionRecord> rec = state.decision(decision);
        if (rec.isPresent()) {
            Decision d = rec.get().decision();
            return (d instanceof Decision.CreateHost || d instanceof Decision.ReplaceMember)
                    && !Provenance.predates(s, rec.get().proposedAt());
        }
        return state.pools().values().stream()
                .flatMap(p -> p.hostList().stream())
                .map(Host::decisionId)
                .anyMatch(decision::equals);
    }
}
