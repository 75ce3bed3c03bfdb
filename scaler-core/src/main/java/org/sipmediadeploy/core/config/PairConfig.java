package org.sipmediadeploy.core.config;

import java.util.List;
import java.util.Objects;

/**
 * A service pair: its floating IP address, the names of its two member servers (the first is active at
 * bootstrap), how to probe them, how to fail over, and how to create a replacement member.
 */
public record PairConfig(
        String name,
        String floatingIp,
        List<String> members,
        ProbeSpec probe,
        FailoverSettings failover,
        ServerTemplate replacement) {
    public PairConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(floatingIp, "floatingIp");
        members = List.copyOf(members);
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(failover, "failover");
        if (members.size() != 2) {
            throw new IllegalArgumentException("pair " + name + " needs exactly 2 members");
        }
    }
}
