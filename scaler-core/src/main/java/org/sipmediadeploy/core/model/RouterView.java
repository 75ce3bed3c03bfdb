package org.sipmediadeploy.core.model;

import java.util.Map;

/** The call router's view of a pool, by host name (the {@code <host>} of the gateway names {@code <prefix>.<host>.<n>}). */
public record RouterView(Map<String, RoutedHost> hosts) {
    public RouterView {
        hosts = Map.copyOf(hosts);
        for (RoutedHost h : hosts.values()) {
            if (!h.known()) {
                throw new IllegalArgumentException("a router view holds only what the router answered");
            }
        }
    }

    /** The host as the router sees it: {@link RoutedHost#ABSENT} when it has no gateway registered or locked. */
    public RoutedHost of(String host) {
        return hosts.getOrDefault(host, RoutedHost.ABSENT);
    }
}
