package org.sipmediadeploy.sandbox;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One thing the sandbox did, for the invariant checker. {@code kind} is e.g. {@code server.create},
 * {@code server.delete}, {@code server.active}, {@code floatingip.update}, {@code fault.api},
 * {@code fault.instance}; {@code user} and {@code audit} identify the caller's token (never the token itself;
 * {@code audit} is the token's audit id, as Keystone exposes it); {@code status} is the HTTP status answered
 * (0 for events that are not API calls); {@code result} is {@code ok} or a short reason.
 */
public record SandboxEvent(
        long seq,
        Instant time,
        String kind,
        String user,
        String audit,
        String target,
        int status,
        String result,
        Map<String, String> details) {
    public SandboxEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
        details = Map.copyOf(details == null ? Map.of() : details);
    }

    public boolean ok() {
        return "ok".equals(result);
    }
}
