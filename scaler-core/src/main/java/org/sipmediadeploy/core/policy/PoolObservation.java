package org.sipmediadeploy.core.policy;

import java.util.Map;
import java.util.Set;

/** Observations of the pool's hosts by name, and the hosts that have a create or delete still open in the log. */
public record PoolObservation(Map<String, HostObservation> hosts, Set<String> hostsWithOpenWork) {
    public PoolObservation {
        hosts = Map.copyOf(hosts);
        hostsWithOpenWork = Set.copyOf(hostsWithOpenWork);
    }

    public HostObservation of(String host) {
        return hosts.getOrDefault(host, HostObservation.NONE);
    }
}
