package org.sipmediadeploy.core.loop;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.sipmediadeploy.core.config.CallRouterConfig;
import org.sipmediadeploy.core.model.PairState;
import org.sipmediadeploy.core.model.RoutedHost;
import org.sipmediadeploy.core.model.RouterView;
import org.sipmediadeploy.core.port.CallRouter;
import org.sipmediadeploy.core.state.ClusterState;

/**
 * The call routers of the pools: for a pool with one, reads its pair's members (active first, from the replicated
 * pair state, so a replaced member is read at its new address) and says what the router holds of each host.
 */
final class PoolRouters {
    static final PoolRouters NONE = new PoolRouters(Map.of(), (cfg, addresses) -> Optional.empty());

    private final Map<String, CallRouterConfig> byPool;
    private final CallRouter router;

    PoolRouters(Map<String, CallRouterConfig> byPool, CallRouter router) {
        this.byPool = Map.copyOf(byPool);
        this.router = router;
    }

    /** What is read for one pool this pass. */
    record Reading(Function<String, RoutedHost> hosts, String note) {
        static final Reading NO_ROUTER = new Reading(host -> null, null);
    }

    Reading read(String pool, ClusterState state) {
        CallRouterConfig cfg = byPool.get(pool);
        if (cfg == null) {
            return Reading.NO_ROUTER;
        }
        Optional<PairState> pair = state.pair(cfg.pair());
        if (pair.isEmpty()) {
            return new Reading(host -> RoutedHost.UNREAD, "call router: pair " + cfg.pair() + " not known yet");
        }
        List<String> addresses =
                List.of(pair.get().active().address(), pair.get().standby().address());
        Optional<RouterView> view = router.read(cfg, addresses);
        if (view.isEmpty()) {
            return new Reading(
                    host -> RoutedHost.UNREAD,
                    "call router of pair " + cfg.pair() + " unreadable at " + addresses + ": no host is scaled in");
        }
        RouterView v = view.get();
        return new Reading(v::of, null);
    }
}
