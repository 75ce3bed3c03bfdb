package org.sipmediadeploy.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipmediadeploy.core.Fixtures.POOL;
import static org.sipmediadeploy.core.Fixtures.T0;
import static org.sipmediadeploy.core.Fixtures.answers;
import static org.sipmediadeploy.core.Fixtures.host;
import static org.sipmediadeploy.core.Fixtures.silent;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.Fixtures;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.model.Host;
import org.sipmediadeploy.core.model.HostState;
import org.sipmediadeploy.core.model.PoolMode;
import org.sipmediadeploy.core.model.PoolState;
import org.sipmediadeploy.core.model.RoutedHost;
import org.sipmediadeploy.core.model.ServerStatus;

/**
 * The call router's view reconciled with the hosts' status: a host the router holds a call on is never drained or
 * deleted, whatever its status endpoint says; defaults: 4 gateways per host, spare 0 here.
 */
class RouterCapacityTest {
    private static final Instant NOW = T0.plusSeconds(86_400);
    private static final Instant OLD = NOW.minusSeconds(3600);
    private static final PoolConfig SPARE_0 = Fixtures.poolCfg().spare(0).build();
    private static final RoutedHost ONE_CALL = new RoutedHost(4, 1, true);
    private static final RoutedHost NO_CALL = new RoutedHost(4, 0, true);

    private static PoolState pool(HostState state, String... names) {
        Map<String, Host> m = new TreeMap<>();
        for (int i = 0; i < names.length; i++) {
            m.put(names[i], host(names[i], state, OLD.plusSeconds(i)));
        }
        return new PoolState(POOL, PoolMode.AUTO, m, 0, null);
    }

    private static HostObservation routed(HostObservation o, RoutedHost r) {
        return new HostObservation(o.lastStatus(), o.silentSince(), o.serverStatus(), r);
    }

    private static ScalingVerdict decide(PoolState p, Map<String, HostObservation> obs) {
        return ScalingPolicy.decide(
                p,
                new PoolObservation(obs, Set.of()),
                SPARE_0,
                new ScalingMemory(NOW.minusSeconds(3600)),
                NOW,
                DecisionIds.forTerm(3, 1));
    }

    private static List<Decision> destructive(ScalingVerdict v) {
        return v.decisions().stream()
                .filter(d -> d instanceof Decision.DrainHost || d instanceof Decision.DeleteHost)
                .toList();
    }

    @Test
    void hostWhoseStatusSaysIdleButTheRouterHoldsACallIsNotDrainedTheOtherIs() {
        PoolState p = pool(HostState.READY, "gw-1", "gw-2");
        ScalingVerdict v = decide(
                p,
                Map.of(
                        "gw-1", routed(answers(4, false, NOW), ONE_CALL),
                        "gw-2", routed(answers(4, false, NOW), NO_CALL)));

        List<Decision> d = destructive(v);
        assertEquals(1, d.size(), d.toString());
        assertEquals(
                "gw-2", assertInstanceOf(Decision.DrainHost.class, d.get(0)).hostName());
    }

    @Test
    void noHostIsDrainedWhileEveryOneCarriesACallAtTheRouter() {
        PoolState p = pool(HostState.READY, "gw-1", "gw-2");
        ScalingVerdict v = decide(
                p,
                Map.of(
                        "gw-1", routed(answers(4, false, NOW), ONE_CALL),
                        "gw-2", routed(answers(4, false, NOW), ONE_CALL)));

        assertEquals(List.of(), destructive(v));
    }

    @Test
    void drainingHostIsDeletedOnlyOnceTheRouterReleasedItsLastCall() {
        PoolState p = pool(HostState.DRAINING, "gw-1");
        HostObservation idleStatus = answers(4, false, NOW);

        assertEquals(List.of(), destructive(decide(p, Map.of("gw-1", routed(idleStatus, ONE_CALL)))));
        Decision.DeleteHost d = assertInstanceOf(
                Decision.DeleteHost.class,
                destructive(decide(p, Map.of("gw-1", routed(idleStatus, NO_CALL))))
                        .get(0));
        assertTrue(d.reason().contains("drained"), d.reason());
    }

    @Test
    void hostReportingItCanBeTerminatedIsKeptWhileTheRouterHoldsACall() {
        PoolState p = pool(HostState.READY, "gw-1");

        assertEquals(List.of(), destructive(decide(p, Map.of("gw-1", routed(answers(0, true, NOW), ONE_CALL)))));
        assertEquals(
                1,
                destructive(decide(p, Map.of("gw-1", routed(answers(0, true, NOW), NO_CALL))))
                        .size());
    }

    @Test
    void silentHostTheRouterHoldsACallOnIsNotDeletedAsLostButAGoneServerIs() {
        PoolState p = pool(HostState.READY, "gw-1");
        HostObservation silentLong = silent(NOW.minusSeconds(3600), NOW);

        assertEquals(List.of(), destructive(decide(p, Map.of("gw-1", routed(silentLong, ONE_CALL)))));
        assertEquals(
                1,
                destructive(decide(p, Map.of("gw-1", routed(silentLong, NO_CALL))))
                        .size());
        HostObservation gone = new HostObservation(null, NOW.minusSeconds(1), ServerStatus.DELETED, ONE_CALL);
        assertEquals(1, destructive(decide(p, Map.of("gw-1", gone))).size(), "its server is gone: nothing to keep");
    }

    @Test
    void unreadableRouterScalesNothingIn() {
        PoolState p = pool(HostState.READY, "gw-1", "gw-2");
        ScalingVerdict v = decide(
                p,
                Map.of(
                        "gw-1", routed(answers(4, false, NOW), RoutedHost.UNREAD),
                        "gw-2", routed(answers(4, false, NOW), RoutedHost.UNREAD)));

        assertEquals(List.of(), destructive(v));
    }

    @Test
    void idleCountIsTheSmallerOfTheStatusAndTheRouterSoLockedGatewaysAreReplacedByNewHosts() {
        PoolState p = pool(HostState.READY, "gw-1");
        PoolConfig spare2 = Fixtures.poolCfg().spare(2).build();
        // The host says 4 idle, the router holds 3 of its 4 gateways: 1 idle, below the spare of 2.
        ScalingVerdict v = ScalingPolicy.decide(
                p,
                new PoolObservation(
                        Map.of("gw-1", routed(answers(4, false, NOW), new RoutedHost(4, 3, true))), Set.of()),
                spare2,
                new ScalingMemory(null),
                NOW,
                DecisionIds.forTerm(3, 1));

        assertEquals(1, v.idle());
        assertEquals(
                1,
                v.decisions().stream()
                        .filter(Decision.CreateHost.class::isInstance)
                        .count());
    }

    @Test
    void withoutARouterTheStatusAloneCounts() {
        HostObservation o = answers(4, true, NOW);

        assertEquals(4, o.capacity().idleGateways());
        assertTrue(o.capacity().canBeTerminated());
        assertEquals(false, o.busyAtRouter());
    }
}
