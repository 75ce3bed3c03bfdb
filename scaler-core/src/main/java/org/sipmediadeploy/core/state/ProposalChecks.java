package org.sipmediadeploy.core.state;

import java.util.Optional;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.model.Host;
import org.sipmediadeploy.core.model.HostState;
import org.sipmediadeploy.core.model.PairMode;
import org.sipmediadeploy.core.model.PairState;
import org.sipmediadeploy.core.model.PoolState;

/**
 * Why a proposed decision would be refused in a state ({@link Transitions#validate} of a {@code Propose}): the
 * pair or pool it names must exist, the move it makes must be one its lifecycle allows, and no other open decision
 * may be working on the same floating IP, host or server.
 */
final class ProposalChecks {
    private ProposalChecks() {}

    static Optional<String> validatePropose(ClusterState s, Decision d) {
        if (s.open().containsKey(d.id()) || s.decision(d.id()).isPresent()) {
            return Optional.of("duplicate decision " + d.id());
        }
        if (d instanceof Decision.Failover f) {
            return withPair(s, f.pair(), pair -> {
                if (!pair.activeServerId().equals(f.fromServerId())) {
                    return Optional.of("failover of " + f.pair() + " names " + f.fromServerId()
                            + " but the active member is " + pair.activeServerId());
                }
                if (pair.member(f.toServerId()).isEmpty()) {
                    return Optional.of("failover target " + f.toServerId() + " is not a member of " + f.pair());
                }
                if (f.toServerId().equals(pair.replacing())) {
                    return Optional.of("failover target " + f.toServerId() + " is being replaced");
                }
                return openFloatingIpWork(s, f.pair());
            });
        } else if (d instanceof Decision.Reassociate r) {
            return withPair(
                    s,
                    r.pair(),
                    pair -> pair.activeServerId().equals(r.serverId())
                            ? openFloatingIpWork(s, r.pair())
                            : Optional.of("reassociation to " + r.serverId() + " which is not the active member"));
        } else if (d instanceof Decision.ReplaceMember r) {
            return withPair(s, r.pair(), pair -> {
                if (pair.member(r.failedServerId()).isEmpty()) {
                    return Optional.of(r.failedServerId() + " is not a member of " + r.pair());
                }
                if (pair.activeServerId().equals(r.failedServerId())) {
                    return Optional.of("cannot replace the active member " + r.failedServerId() + " of " + r.pair());
                }
                if (pair.replacing() != null) {
                    return Optional.of("a replacement of " + pair.replacing() + " is already under way");
                }
                // An open move may still be undone (a SKIPPED failover puts the intent back on its source), which
                // must never be a member that a replacement has removed from the pair.
                return openFloatingIpWork(s, r.pair());
            });
        } else if (d instanceof Decision.HoldPair h) {
            return withPair(
                    s,
                    h.pair(),
                    pair -> pair.mode() == PairMode.AUTO
                            ? Optional.empty()
                            : Optional.of("pair " + h.pair() + " is already " + pair.mode()));
        } else if (d instanceof Decision.CreateHost h) {
            return withPool(
                    s,
                    h.pool(),
                    pool -> pool.host(h.hostName()).isPresent()
                            ? Optional.of("host " + h.hostName() + " exists")
                            : Optional.empty());
        } else if (d instanceof Decision.HostReady h) {
            return hostMove(s, h.pool(), h.hostName(), HostState.READY);
        } else if (d instanceof Decision.DrainHost h) {
            return hostMove(s, h.pool(), h.hostName(), HostState.DRAINING);
        } else if (d instanceof Decision.UndrainHost h) {
            return hostMove(s, h.pool(), h.hostName(), HostState.READY);
        } else if (d instanceof Decision.DeleteHost h) {
            return withPool(s, h.pool(), pool -> {
                Optional<Host> host = pool.host(h.hostName());
                if (host.isEmpty()) {
                    return Optional.of("unknown host " + h.hostName() + " in pool " + h.pool());
                }
                if (openHostWork(s, h.pool(), h.hostName())) {
                    return Optional.of("host " + h.hostName() + " has a decision under way");
                }
                HostState st = host.get().state();
                // A retry of a failed delete is allowed: the host stays DELETING until its server is gone.
                return st == HostState.DELETING || st.canMoveTo(HostState.DELETING)
                        ? Optional.empty()
                        : Optional.of("host " + h.hostName() + " is " + st + " and cannot be deleted");
            });
        } else if (d instanceof Decision.ReplaceScaler r) {
            return SelfHealingTransitions.validatePropose(s, r);
        } else if (d instanceof Decision.AdoptHost a) {
            return withPool(s, a.pool(), pool -> {
                if (pool.host(a.hostName()).isPresent()) {
                    return Optional.of("host " + a.hostName() + " exists in pool " + a.pool());
                }
                return knownServer(s, a.serverId())
                        ? Optional.of("server " + a.serverId() + " is known to the state")
                        : Optional.empty();
            });
        } else if (d instanceof Decision.DeleteOrphan o) {
            boolean busy = s.open().values().stream()
                    .anyMatch(r -> r.decision() instanceof Decision.DeleteOrphan x
                            && x.serverId().equals(o.serverId()));
            if (busy) {
                return Optional.of("orphan " + o.serverId() + " is already being deleted");
            }
            // Re-checked at apply time: the server may have become known (a create recorded) since it was seen.
            return knownServer(s, o.serverId())
                    ? Optional.of("server " + o.serverId() + " is known to the state, not an orphan")
                    : Optional.empty();
        }
        throw new AssertionError(d);
    }

    /** Whether {@code serverId} is a pair member or a pool host's server. */
    private static boolean knownServer(ClusterState s, String serverId) {
        return s.pairs().values().stream().anyMatch(p -> p.member(serverId).isPresent())
                || s.pools().values().stream()
                        .anyMatch(p -> p.hostList().stream().anyMatch(h -> serverId.equals(h.serverId())));
    }

    private static Optional<String> openFloatingIpWork(ClusterState s, String pair) {
        boolean busy = s.open().values().stream()
                .map(DecisionRecord::decision)
                .anyMatch(d -> (d instanceof Decision.Failover f && f.pair().equals(pair))
                        || (d instanceof Decision.Reassociate r && r.pair().equals(pair)));
        return busy ? Optional.of("a floating-IP move of " + pair + " is already under way") : Optional.empty();
    }

    private static boolean openHostWork(ClusterState s, String pool, String hostName) {
        return s.open().values().stream()
                .map(DecisionRecord::decision)
                .anyMatch(d -> (d instanceof Decision.CreateHost c
                                && c.pool().equals(pool)
                                && c.hostName().equals(hostName))
                        || (d instanceof Decision.DeleteHost x
                                && x.pool().equals(pool)
                                && x.hostName().equals(hostName)));
    }

    private static Optional<String> hostMove(ClusterState s, String poolName, String hostName, HostState next) {
        return withPool(s, poolName, pool -> {
            Optional<Host> host = pool.host(hostName);
            if (host.isEmpty()) {
                return Optional.of("unknown host " + hostName + " in pool " + poolName);
            }
            return host.get().state().canMoveTo(next)
                    ? Optional.empty()
                    : Optional.of(
                            "host " + hostName + " cannot go from " + host.get().state() + " to " + next);
        });
    }

    private static Optional<String> withPair(
            ClusterState s, String name, java.util.function.Function<PairState, Optional<String>> check) {
        return s.pair(name).map(check).orElseGet(() -> Optional.of("unknown pair " + name));
    }

    private static Optional<String> withPool(
            ClusterState s, String name, java.util.function.Function<PoolState, Optional<String>> check) {
        return s.pool(name).map(check).orElseGet(() -> Optional.of("unknown pool " + name));
    }
}
