package org.sipmediadeploy.core.loop;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.config.PairConfig;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.model.FloatingIp;
import org.sipmediadeploy.core.model.Member;
import org.sipmediadeploy.core.model.PairMode;
import org.sipmediadeploy.core.model.PairState;
import org.sipmediadeploy.core.model.Port;
import org.sipmediadeploy.core.model.Server;
import org.sipmediadeploy.core.policy.Alarm;
import org.sipmediadeploy.core.port.Cloud;

/**
 * Brings every configured pair and pool into the replicated state once (the rest lane, each pass until done): a pair
 * from its Terraform-made members and its floating IP as found in the cloud, a pool empty. A pair that cannot be
 * found whole raises an alarm and is left alone.
 */
final class Bootstrap {
    private final LoopSpec spec;
    private final LeaderLog log;
    private final Cloud cloud;
    private final Alarms alarms;

    Bootstrap(LoopSpec spec, LeaderLog log, Cloud cloud, Alarms alarms) {
        this.spec = spec;
        this.log = log;
        this.cloud = cloud;
        this.alarms = alarms;
    }

    void bootstrap(Instant now) {
        var state = log.state();
        for (PairConfig cfg : spec.pairs().values()) {
            if (state.pair(cfg.name()).isPresent()) {
                continue;
            }
            List<Member> members = new ArrayList<>();
            for (String name : cfg.members()) {
                Optional<Server> s = cloud.listServers(spec.tag(), name).stream()
                        .filter(x -> x.name().equals(name))
                        .findFirst();
                if (s.isEmpty()) {
                    s = findUntagged(name);
                }
                if (s.isEmpty()) {
                    alarms.raise(new Alarm(cfg.name(), "member server " + name + " not found in the cloud"));
                    return;
                }
                String network =
                        cfg.replacement() == null ? null : cfg.replacement().network();
                Optional<Port> port = cloud.portOf(s.get().id(), network);
                if (port.isEmpty()) {
                    alarms.raise(new Alarm(cfg.name(), "member server " + name + " has no port"));
                    return;
                }
                members.add(new Member(
                        s.get().id(),
                        name,
                        port.get().id(),
                        port.get().fixedIp() != null
                                ? port.get().fixedIp()
                                : s.get().primaryAddress().orElse("")));
            }
            Optional<FloatingIp> fip = cloud.floatingIpByAddress(cfg.floatingIp());
            if (fip.isEmpty()) {
                alarms.raise(new Alarm(cfg.name(), "floating IP " + cfg.floatingIp() + " not found"));
                return;
            }
            // The active member at bootstrap is the one the floating IP is on, else the first configured.
            String active = members.stream()
                    .filter(m -> fip.get().isAssociatedTo(m.portId()))
                    .map(Member::serverId)
                    .findFirst()
                    .orElse(members.get(0).serverId());
            alarms.clear(cfg.name());
            log.commit(new Command.InitPair(
                    new PairState(
                            cfg.name(),
                            members,
                            active,
                            fip.get().id(),
                            fip.get().address(),
                            PairMode.AUTO,
                            List.of(),
                            null),
                    log.term(),
                    now));
        }
        for (PoolConfig cfg : spec.pools().values()) {
            if (state.pool(cfg.name()).isEmpty()) {
                log.commit(new Command.InitPool(cfg.name(), log.term(), now));
            }
        }
    }

    private Optional<Server> findUntagged(String name) {
        // Pair members are made by Terraform and need not carry our tag: look them up by name.
        return cloud.listServers(null, name).stream()
                .filter(x -> x.name().equals(name))
                .findFirst();
    }
}
