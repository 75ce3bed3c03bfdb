package org.sipmediadeploy.core.model;

/** What a Gateway Host reports through the SIPMediaGW status contract. */
public record GatewayCapacity(int idleGateways, boolean canBeTerminated) {
    public GatewayCapacity {
        if (idleGateways < 0) {
            throw new IllegalArgumentException("idleGateways must be >= 0, was " + idleGateways);
        }
    }
}
