package org.sipmediadeploy.core.config;

import java.time.Duration;
import java.util.Objects;

/** Where and how a Gateway Host reports its capacity (the SIPMediaGW status contract). */
public record StatusEndpoint(
        int port, String path, String idleKey, String terminateKey, Duration interval, Duration timeout) {
    public StatusEndpoint {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(idleKey, "idleKey");
        Objects.requireNonNull(terminateKey, "terminateKey");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
    }
}
