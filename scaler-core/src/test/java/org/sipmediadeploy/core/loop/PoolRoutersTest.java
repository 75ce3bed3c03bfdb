package org.sipmediadeploy.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.Fixtures;
import org.sipmediadeploy.core.config.CallRouterConfig;
import org.sipmediadeploy.core.model.RoutedHost;
import org.sipmediadeploy.core.model.RouterView;
import org.sipmediadeploy.core.state.ClusterState;

/** Which members a pool's call router is read at, and what an unreadable router means for the hosts. */
class PoolRoutersTest {
    private static final CallRouterConfig SIP = new CallRouterConfig(Fixtures.PAIR, 5071, "gw", Duration.ofSeconds(1));
    private static final ClusterState WITH_PAIR =
            new ClusterState(Map.of(Fixtures.PAIR, Fixtures.pair()), Map.of(), Map.of(), List.of(), 1);

    @Test
    void readsThePairMembersActiveFirstAndReportsWhatTheRouterHolds() {
        List<List<String>> asked = new ArrayList<>();
        RouterView view = new RouterView(Map.of("h1", new RoutedHost(2, 1, true)));
        PoolRouters routers = new PoolRouters(Map.of("gw", SIP), (cfg, addresses) -> {
            asked.add(addresses);
            return Optional.of(view);
        });

        PoolRouters.Reading r = routers.read("gw", WITH_PAIR);

        assertEquals(
                List.of(List.of(
                        Fixtures.pair().active().address(),
                        Fixtures.pair().standby().address())),
                asked);
        assertEquals(new RoutedHost(2, 1, true), r.hosts().apply("h1"));
        assertEquals(RoutedHost.ABSENT, r.hosts().apply("h2"));
        assertNull(r.note());
    }

    @Test
    void anUnreadableRouterMakesEveryHostUnreadWithANote() {
        PoolRouters routers = new PoolRouters(Map.of("gw", SIP), (cfg, addresses) -> Optional.empty());

        PoolRouters.Reading r = routers.read("gw", WITH_PAIR);

        assertEquals(RoutedHost.UNREAD, r.hosts().apply("h1"));
        assertTrue(r.note().contains("unreadable"), r.note());
    }

    @Test
    void aPoolWithoutARouterObservesNoRouter() {
        PoolRouters routers = new PoolRouters(Map.of("gw", SIP), (cfg, addresses) -> {
            throw new AssertionError("no router to read for this pool");
        });

        assertNull(routers.read("other", WITH_PAIR).hosts().apply("h1"));
    }
}
