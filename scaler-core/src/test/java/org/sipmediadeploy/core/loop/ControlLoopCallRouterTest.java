package org.sipmediadeploy.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.config.CallRouterConfig;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.model.GatewayCapacity;
import org.sipmediadeploy.core.model.Host;
import org.sipmediadeploy.core.model.HostState;
import org.sipmediadeploy.core.model.PairState;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.model.RoutedHost;
import org.sipmediadeploy.core.model.RouterView;
import org.sipmediadeploy.core.port.CallRouter;

/**
 * The loop's hook for the call router: with idle hosts of surplus, the one the router holds a call on is never
 * the one drained, and an unreadable router drains nothing.
 */
class ControlLoopCallRouterTest {
    private static final Instant T0 = ControlLoopTest.T0;
    private static final CallRouterConfig ROUTER = new CallRouterConfig("kamailio", 5071, "gw", Duration.ofSeconds(1));
    /** The world of {@link ControlLoopTest} (pair "kamailio" of two Terraform members, fake cloud and log). */
    private final ControlLoopTest world = new ControlLoopTest();

    private FakeCloud cloud;
    private FakeConsensus log;

    @BeforeEach
    void world() {
        world.world();
        cloud = world.cloud;
        log = world.log;
    }

    private ControlLoop loop(Map<String, PoolConfig> pools) {
        return world.loop(pools);
    }

    private static PoolConfig pool(int min, int max, int spare) {
        return ControlLoopTest.pool(min, max, spare);
    }

    private void round(ControlLoop l, boolean othersUp, Instant at) {
        world.round(l, othersUp, at);
    }

    private PairState pair() {
        return world.pair();
    }

    /** Three READY hosts of one gateway each, all reporting it idle. */
    private List<Host> threeIdleHosts(ControlLoop creator) {
        creator.tick(T0);
        creator.tick(T0.plusSeconds(5));
        List<Host> hosts =
                log.state().pool("gw").orElseThrow().hostList().stream().toList();
        assertEquals(3, hosts.size(), cloud.actions.toString());
        answerIdle(creator, hosts, T0.plusSeconds(9));
        creator.tick(T0.plusSeconds(10));
        return log.state().pool("gw").orElseThrow().hostList().stream().toList();
    }

    private static void answerIdle(ControlLoop l, List<Host> hosts, Instant at) {
        hosts.forEach(h -> l.probed(
                new ProbeTarget.GatewayStatus(h.address(), 8080, "/status", "idle", "can_be_terminated"),
                ProbeResult.gateway(Duration.ofMillis(2), new GatewayCapacity(1, false), at)));
    }

    /** Ticks the surplus past scale-in-after and protect-new; the hosts drained. */
    private List<String> drainedAfterSurplus(ControlLoop l, List<Host> hosts) {
        for (int minute = 30; minute <= 45; minute += 15) {
            Instant at = T0.plus(Duration.ofMinutes(minute));
            answerIdle(l, hosts, at.minusSeconds(1));
            round(l, true, at);
        }
        return log.state().pool("gw").orElseThrow().hostList().stream()
                .filter(h -> h.state() == HostState.DRAINING)
                .map(Host::name)
                .toList();
    }

    @Test
    void theHostTheRouterHoldsACallOnIsNotTheOneDrained() {
        List<Host> hosts = threeIdleHosts(loop(Map.of("gw", pool(0, 10, 3))));
        // The busy one is the host the policy would drain first without the router (the newest, then by name).
        String busy = hosts.stream()
                .max(java.util.Comparator.comparing(Host::createdAt).thenComparing(Host::name))
                .orElseThrow()
                .name();
        List<List<String>> asked = new ArrayList<>();
        CallRouter router = (cfg, addresses) -> {
            asked.add(addresses);
            Map<String, RoutedHost> view = new HashMap<>();
            hosts.forEach(h -> view.put(h.name(), new RoutedHost(1, h.name().equals(busy) ? 1 : 0, true)));
            return Optional.of(new RouterView(view));
        };
        PoolConfig noSpare = pool(0, 10, 0);
        ControlLoop l = loop(Map.of("gw", noSpare)).withCallRouters(Map.of("gw", ROUTER), router);

        List<String> drained = drainedAfterSurplus(l, hosts);

        // One call in progress: the headroom keeps one idle gateway, the other idle host is surplus.
        assertEquals(1, drained.size(), cloud.actions.toString());
        assertTrue(!drained.contains(busy), busy + " holds a call and was drained");
        assertTrue(!asked.isEmpty() && asked.get(0).size() == 2, "both pair members asked: " + asked);
        assertEquals(pair().active().address(), asked.get(0).get(0), "the active member first");
    }

    @Test
    void anUnreadableRouterDrainsNothing() {
        List<Host> hosts = threeIdleHosts(loop(Map.of("gw", pool(0, 10, 3))));
        ControlLoop l = loop(Map.of("gw", pool(0, 10, 0)))
                .withCallRouters(Map.of("gw", ROUTER), (cfg, addresses) -> Optional.empty());

        assertEquals(List.of(), drainedAfterSurplus(l, hosts));
        assertTrue(l.notes().get("gw.router").contains("unreadable"), l.notes().toString());
    }

    @Test
    void withoutARouterTheSameSurplusDrainsAHost() {
        // Without the router's view the three hosts are all idle: the newest is drained first.
        List<Host> hosts = threeIdleHosts(loop(Map.of("gw", pool(0, 10, 3))));

        assertEquals(
                1,
                drainedAfterSurplus(loop(Map.of("gw", pool(0, 10, 0))), hosts).size());
    }
}
