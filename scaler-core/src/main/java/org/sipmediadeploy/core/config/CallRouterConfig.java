package org.sipmediadeploy.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Where a pool's call router is read: the JSON-RPC port of the members of the Kamailio pair {@code pair}, the
 * gateway name prefix it routes ({@code <prefix>.<host>.<n>}) and how long one read may take.
 */
public record CallRouterConfig(String pair, int rpcPort, String gatewayPrefix, Duration timeout) {
    public CallRouterConfig {
        Objects.requireNonNull(pair, "pair");
        Objects.requireNonNull(gatewayPrefix, "gatewayPrefix");
        Objects.requireNonNull(timeout, "timeout");
        if (rpcPort < 1 || rpcPort > 65535) {
            throw new IllegalArgumentException("rpc port must be 1..65535, was " + rpcPort);
        }
        if (!gatewayPrefix.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException(
                    "gateway prefix must be letters, digits, '_' or '-', was '" + gatewayPrefix + "'");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("router timeout must be positive, was " + timeout);
        }
    }
}
