package org.sipmediadeploy.sandbox;

/**
 * What a server's network does with traffic. DROP discards silently (a black hole: probes time out);
 * REJECT closes the server's sockets so the kernel answers ICMP port-unreachable (UDP) or RST (TCP).
 */
public enum TrafficMode {
    NORMAL,
    DROP,
    REJECT
}
