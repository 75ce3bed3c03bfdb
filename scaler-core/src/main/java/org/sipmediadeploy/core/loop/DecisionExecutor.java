package org.sipmediadeploy.core.loop;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.sipmediadeploy.core.command.Facts;
import org.sipmediadeploy.core.config.PairConfig;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.config.ServerTemplate;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.decision.Outcome;
import org.sipmediadeploy.core.model.FloatingIpSource;
import org.sipmediadeploy.core.model.Host;
import org.sipmediadeploy.core.model.Member;
import org.sipmediadeploy.core.model.PairState;
import org.sipmediadeploy.core.model.PoolMode;
import org.sipmediadeploy.core.model.Port;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.model.ReplaceStep;
import org.sipmediadeploy.core.model.Server;
import org.sipmediadeploy.core.model.ServerMetadata;
import org.sipmediadeploy.core.model.ServerSpec;
import org.sipmediadeploy.core.model.ServerStatus;
import org.sipmediadeploy.core.policy.ScalingPolicy;
import org.sipmediadeploy.core.policy.TargetHealth;
import org.sipmediadeploy.core.port.Cloud;
import org.sipmediadeploy.core.port.CloudException;
import org.sipmediadeploy.core.state.ClusterState;
import org.sipmediadeploy.core.state.Transitions;

/**
 * Carries out one open decision a step at a time. Every step is idempotent, so a new leader simply advances the
 * decisions its predecessor left open. Returns the outcome to record, or empty while the work is still in
 * progress (a replacement server still building). Before each cloud call it checks the fence: a node that is no
 * longer the leader of the decision's term stops without touching the cloud.
 */
final class DecisionExecutor {
    /** Transient failures of one decision before it is closed FAILED (it is re-decided afresh afterwards). */
    static final int MAX_ATTEMPTS = 5;
    /**
     * How long a member replacement may take from its commit until the new member answers its probe (boot and
     * warm-up); past it the decision is FAILED and the new server removed.
     */
    static final Duration REPLACE_DEADLINE = Duration.ofMinutes(10);

    private final LoopSpec spec;
    private final Cloud cloud;
    private final Fence fence;
    private final Map<String, Integer> attempts = new ConcurrentHashMap<>();
    private final Function<ProbeTarget, TargetHealth> health;
    /** New pair members warming up (ACTIVE, not answering yet), by decision id: the loop probes them. */
    private final Map<String, ProbeTarget> warming = new ConcurrentHashMap<>();

    /** "Am I still the leader of this term?", asked right before each cloud call. */
    interface Fence {
        boolean holds(long term);
    }

    /**
     * What to commit for a decision; {@code facts} may carry the server id, port and address. With a {@code step}
     * (a scaler replacement), only that step is done: it is committed as {@code RecordStep} and the decision stays
     * open.
     */
    record Result(Outcome outcome, String detail, Map<String, String> facts, ReplaceStep step) {
        Result(Outcome outcome, String detail, Map<String, String> facts) {
            this(outcome, detail, facts, null);
        }
    }

    private ScalerReplacer replacer;

    DecisionExecutor(LoopSpec spec, Cloud cloud, Fence fence, Function<ProbeTarget, TargetHealth> health) {
        this.spec = spec;
        this.cloud = cloud;
        this.fence = fence;
        this.health = health;
    }

    /** The probe targets of new pair members warming up, with their probe interval (any thread). */
    Map<ProbeTarget, Duration> warmingTargets() {
        Map<ProbeTarget, Duration> out = new HashMap<>();
        warming.forEach((id, target) -> spec.pairs().values().stream()
                .filter(c -> c.probe().target(target.host()).equals(target))
                .findFirst()
                .ifPresent(c -> out.put(target, c.probe().interval())));
        return out;
    }

    /** Enables carrying out scaler replacements (self-healing). */
    void selfHealing(ScalerReplacer r) {
        this.replacer = r;
    }

    Optional<Result> advance(DecisionRecord rec, ClusterState state, long term, Instant now) {
        Decision d = rec.decision();
        boolean poolDry =
                state.pool(d.scope()).map(p -> p.mode() == PoolMode.DRY_RUN).orElse(false);
        if (spec.isDryRun(d.scope()) || poolDry) {
            return Optional.of(new Result(Outcome.SKIPPED, "dry run: the cloud was not touched", Map.of()));
        }
        try {
            Optional<Result> r = step(d, state, term, now);
            r.ifPresent(x -> attempts.remove(d.id()));
            return r;
        } catch (Fenced e) {
            return Optional.empty();
        } catch (CloudException e) {
            int n = attempts.merge(d.id(), 1, Integer::sum);
            if (e.kind().isRetryable() && n < MAX_ATTEMPTS) {
                return Optional.empty();
            }
            attempts.remove(d.id());
            Map<String, String> facts = new HashMap<>();
            facts.put(Transitions.ERROR_CLASS, e.kind().name());
            if (e.kind() == CloudException.Kind.QUOTA && d instanceof Decision.CreateHost c) {
                PoolConfig cfg = spec.pools().get(c.pool());
                int failures = state.pool(c.pool()).map(p -> p.createFailures()).orElse(0) + 1;
                if (cfg != null) {
                    facts.put(
                            Transitions.BACKOFF_UNTIL,
                            ScalingPolicy.backoffUntil(failures, now, cfg).toString());
                }
            }
            return Optional.of(new Result(Outcome.FAILED, e.kind() + ": " + e.getMessage(), facts));
        }
    }

    private Optional<Result> step(Decision d, ClusterState state, long term, Instant now) {
        if (d instanceof Decision.Failover f) {
            return associate(state.pairs().get(f.pair()), f.toServerId(), f.expected(), term);
        } else if (d instanceof Decision.Reassociate r) {
            return associate(state.pairs().get(r.pair()), r.serverId(), r.expected(), term);
        } else if (d instanceof Decision.ReplaceMember m) {
            return replace(m, state, term, now);
        } else if (d instanceof Decision.CreateHost c) {
            return createHost(c, state, term);
        } else if (d instanceof Decision.DeleteHost x) {
            return deleteHost(x, state, term);
        } else if (d instanceof Decision.ReplaceScaler r) {
            if (replacer == null) {
                return Optional.of(
                        new Result(Outcome.FAILED, "self-healing is not enabled on leader " + spec.nodeId(), Map.of()));
            }
            return replacer.step(r, state, term, now);
        } else if (d instanceof Decision.DeleteOrphan o) {
            fenced(term);
            cloud.deleteServer(o.serverId());
            return done("orphan " + o.serverId() + " deleted", Map.of());
        } else if (d instanceof Decision.HoldPair
                || d instanceof Decision.HostReady
                || d instanceof Decision.DrainHost
                || d instanceof Decision.UndrainHost
                || d instanceof Decision.AdoptHost) {
            return done("committed", Map.of());
        }
        throw new AssertionError(d);
    }

    /**
     * Moves the pair's floating IP. With the source committed in the decision the move is conditional on it, and
     * the fence is checked before every try of the adapter's retries, not only before the first.
     */
    private Optional<Result> associate(PairState pair, String serverId, FloatingIpSource expected, long term) {
        Member to = pair.member(serverId)
                .orElseThrow(() -> new CloudException(
                        CloudException.Kind.NOT_FOUND,
                        "associate",
                        serverId + " is no longer a member of " + pair.name()));
        fenced(term);
        if (expected == null) {
            cloud.associate(pair.floatingIpId(), to.portId()); // decided before moves carried their source
        } else {
            cloud.move(pair.floatingIpId(), to.portId(), expected, () -> fenced(term));
        }
        return done(
                "floating IP " + pair.floatingIpAddress() + " on " + to.name() + " (port " + to.portId() + ")",
                Map.of(Facts.PORT_ID, to.portId()));
    }

    /**
     * Deletes the failed standby, creates the new member, and is DONE once the new member's service answers its
     * probe (warm-up). Past {@link #REPLACE_DEADLINE} from the commit it is FAILED and the new server removed: a
     * server stuck in BUILD or a service that never answers must not keep the pair's decision open for ever.
     */
    private Optional<Result> replace(Decision.ReplaceMember m, ClusterState state, long term, Instant now) {
        PairConfig cfg = spec.pairs().get(m.pair());
        if (cfg == null || cfg.replacement() == null) {
            return Optional.of(
                    new Result(Outcome.FAILED, "no replacement template configured for " + m.pair(), Map.of()));
        }
        Optional<Server> created = cloud.findByDecision(spec.tag(), m.id());
        Instant committed =
                state.decision(m.id()).map(DecisionRecord::proposedAt).orElse(now);
        boolean heldByThePair = created.isPresent()
                && !created.get().id().equals(m.failedServerId())
                && state.pair(m.pair())
                        .flatMap(p -> p.member(created.get().id()))
                        .isPresent();
        if (created.isPresent() && (heldByThePair || Provenance.predates(created.get(), committed))) {
            warming.remove(m.id());
            String why = heldByThePair ? "is already a member of " + m.pair() : Provenance.createdBefore(created.get());
            return Optional.of(new Result(Outcome.FAILED, Provenance.reused(created.get(), m.id(), why), Map.of()));
        }
        if (Duration.between(committed, now).compareTo(REPLACE_DEADLINE) > 0) {
            String where = created.map(s -> s.name() + " was " + s.status()).orElse("no server was made");
            if (created.isPresent()) {
                fenced(term);
                cloud.deleteServer(created.get().id());
            }
            warming.remove(m.id());
            return Optional.of(new Result(
                    Outcome.FAILED,
                    "replacement did not answer its probe within " + REPLACE_DEADLINE.toMinutes() + " min (" + where
                            + "); its server is removed",
                    Map.of()));
        }
        if (cloud.server(m.failedServerId()).isPresent()) {
            fenced(term);
            cloud.deleteServer(m.failedServerId());
        }
        if (created.isEmpty()) {
            fenced(term);
            cloud.createServer(spec(m.newName(), cfg.replacement(), m.id(), m.pair(), m.pair()));
            return Optional.empty();
        }
        Server s = created.get();
        if (s.status() == ServerStatus.ERROR) {
            fenced(term);
            cloud.deleteServer(s.id());
            warming.remove(m.id());
            return Optional.of(new Result(Outcome.FAILED, "replacement " + s.name() + " went to ERROR", Map.of()));
        }
        if (s.status() != ServerStatus.ACTIVE) {
            return Optional.empty();
        }
        Optional<Port> port = cloud.portOf(s.id(), cfg.replacement().network());
        if (port.isEmpty()) {
            return Optional.empty();
        }
        String address = port.get().fixedIp() != null
                ? port.get().fixedIp()
                : s.primaryAddress().orElse("");
        ProbeTarget probe = cfg.probe().target(address);
        if (!health.apply(probe).isUp()) {
            warming.put(m.id(), probe);
            return Optional.empty();
        }
        warming.remove(m.id());
        return done(
                "replacement " + s.name() + " active and answering " + probe.key(),
                Map.of(Facts.SERVER_ID, s.id(), Facts.PORT_ID, port.get().id(), Facts.ADDRESS, address));
    }

    private Optional<Result> createHost(Decision.CreateHost c, ClusterState state, long term) {
        PoolConfig cfg = spec.pools().get(c.pool());
        Optional<Server> existing = cloud.findByDecision(spec.tag(), c.id());
        Optional<Instant> decided = state.decision(c.id()).map(DecisionRecord::proposedAt);
        if (existing.isPresent() && decided.isPresent() && Provenance.predates(existing.get(), decided.get())) {
            return Optional.of(new Result(
                    Outcome.FAILED,
                    Provenance.reused(existing.get(), c.id(), Provenance.createdBefore(existing.get())),
                    Map.of()));
        }
        if (existing.isEmpty()) {
            fenced(term);
            cloud.createServer(spec(c.hostName(), cfg.server(), c.id(), c.pool(), "gateway"));
            return Optional.empty();
        }
        // Done once the server has an address to probe; until then the host counts as booting capacity.
        Server s = existing.get();
        if (s.status() == ServerStatus.ERROR) {
            return Optional.of(new Result(
                    Outcome.FAILED, "server " + s.name() + " went to ERROR", Map.of(Facts.SERVER_ID, s.id())));
        }
        Optional<String> address = s.primaryAddress()
                .or(() -> cloud.portOf(s.id(), cfg.server().network()).map(Port::fixedIp));
        if (address.isEmpty()) {
            return Optional.empty();
        }
        return done(
                "server " + s.id() + " created at " + address.get(),
                Map.of(Facts.SERVER_ID, s.id(), Facts.ADDRESS, address.get()));
    }

    private Optional<Result> deleteHost(Decision.DeleteHost x, ClusterState state, long term) {
        Optional<Host> host = state.pool(x.pool()).flatMap(p -> p.host(x.hostName()));
        String serverId = host.map(Host::serverId).orElse(null);
        if (serverId == null && host.isPresent()) {
            Optional<Instant> decided = state.decision(host.get().decisionId()).map(DecisionRecord::proposedAt);
            serverId = cloud.findByDecision(spec.tag(), host.get().decisionId())
                    .filter(s -> decided.isEmpty() || !Provenance.predates(s, decided.get()))
                    .map(Server::id)
                    .orElse(null);
        }
        if (serverId != null) {
            fenced(term);
            cloud.deleteServer(serverId);
        }
        return done(serverId == null ? "no server to delete" : "server " + serverId + " deleted", Map.of());
    }

    private ServerSpec spec(String name, ServerTemplate t, String decisionId, String group, String role) {
        return new ServerSpec(
                name,
                t.image(),
                t.flavor(),
                t.network(),
                t.securityGroups(),
                t.keyPair(),
                t.availabilityZone(),
                t.userData().replace("{{name}}", name),
                Map.of(
                        ServerMetadata.TAG,
                        spec.tag(),
                        ServerMetadata.DECISION,
                        decisionId,
                        ServerMetadata.GROUP,
                        group,
                        ServerMetadata.ROLE,
                        role));
    }

    private void fenced(long term) {
        if (!fence.holds(term)) {
            throw new Fenced();
        }
    }

    private static Optional<Result> done(String detail, Map<String, String> facts) {
        return Optional.of(new Result(Outcome.DONE, detail, facts));
    }

    /** Thrown (and caught in {@link #advance}) when this node lost the leadership of the decision's term. */
    static final class Fenced extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Fenced() {
            super("not the leader of the decision's term any more", null, false, false);
        }
    }

    static Duration since(Instant a, Instant b) {
        return Duration.between(a, b);
    }
}
