package org.sipmediadeploy.daemon.config;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.sipmediadeploy.core.config.CallRouterConfig;

/**
 * Reads {@code scaler.pools.<name>.router}: the Kamailio pair whose JSON-RPC tells which gateways are registered and
 * locked by a call. {@code pair = ""} reads none (the hosts' status alone counts).
 */
final class CallRouterSection {
    private static final Duration MAX_TIMEOUT = Duration.ofSeconds(10);

    private CallRouterSection() {}

    /** The pool's router, null when none is configured or the section has a problem (recorded in {@code r}). */
    static CallRouterConfig read(KeyReader r, String pool, Config p, Set<String> pairs) {
        String poolAt = "pools." + pool + ".";
        String at = poolAt + "router.";
        int before = r.problemCount();
        String pair = r.str(p, "router.pair", poolAt);
        if (pair.isEmpty()) {
            return null;
        }
        if (!pairs.contains(pair)) {
            r.problem(at + "pair", "'" + pair + "' is not a configured pair (pairs: " + new TreeSet<>(pairs) + ")");
        }
        int port = r.port(p, "router.rpc-port", poolAt);
        String prefix = r.str(p, "router.gateway-prefix", poolAt);
        if (!prefix.matches("[A-Za-z0-9_-]+")) {
            r.problem(
                    at + "gateway-prefix",
                    "must be letters, digits, '_' or '-' (the kamailio role's " + "kamailio_gateway_prefix), got '"
                            + prefix + "'");
        }
        Duration timeout = r.duration(p, "router.timeout", Duration.ofMillis(10), poolAt);
        if (timeout != null && timeout.compareTo(MAX_TIMEOUT) > 0) {
            r.problem(
                    at + "timeout",
                    "must be at most " + MAX_TIMEOUT.toSeconds() + " s, got " + timeout.toMillis() + " ms");
        }
        if (r.problemCount() > before) {
            return null;
        }
        return new CallRouterConfig(pair, port, prefix, timeout);
    }
}
