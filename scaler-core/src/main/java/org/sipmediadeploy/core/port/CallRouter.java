package org.sipmediadeploy.core.port;

import java.util.List;
import java.util.Optional;
import org.sipmediadeploy.core.config.CallRouterConfig;
import org.sipmediadeploy.core.model.RouterView;

/**
 * Reads which gateways the call router has registered and locked, per host, from the members of its pair (the
 * addresses given, active member first). Blocks at most about {@code cfg.timeout()} per member; empty when no
 * member answered. Never throws for an unreachable or misbehaving router.
 */
public interface CallRouter {
    Optional<RouterView> read(CallRouterConfig cfg, List<String> memberAddresses);
}
