package org.sipmediadeploy.core.policy;

import java.time.Instant;
import org.sipmediadeploy.core.model.GatewayCapacity;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.RoutedHost;
import org.sipmediadeploy.core.model.ServerStatus;

/**
 * What the leader knows of one host this pass: the last status probe ({@code lastStatus} null when never probed),
 * since when it has not answered ({@code silentSince}, null while it answers), its server's status in the cloud
 * ({@code UNKNOWN} when the inventory could not be read, {@code DELETED} when the server is gone), and what the call
 * router holds of its gateways ({@code routed} null when the pool has no router configured).
 */
public record HostObservation(
        ProbeResult lastStatus, Instant silentSince, ServerStatus serverStatus, RoutedHost routed) {
    public static final HostObservation NONE = new HostObservation(null, null, ServerStatus.UNKNOWN);

    /** Without a call router. */
    public HostObservation(ProbeResult lastStatus, Instant silentSince, ServerStatus serverStatus) {
        this(lastStatus, silentSince, serverStatus, null);
    }

    /**
     * The reported capacity when its last status probe answered, else null (unknown is not capacity), reconciled
     * with the router: the router's locks are calls whatever the host says, so a host the router holds a call on
     * counts no more idle gateways than the router has free ones, and cannot be terminated.
     */
    public GatewayCapacity capacity() {
        GatewayCapacity reported = lastStatus == null || !lastStatus.isUp() ? null : lastStatus.capacity();
        if (reported == null || routed == null || !routed.mayCarryCalls()) {
            return reported;
        }
        int idle = routed.known() ? Math.min(reported.idleGateways(), routed.idle()) : reported.idleGateways();
        return new GatewayCapacity(idle, false);
    }

    /**
     * The router holds a call on this host or could not be read: such a host is never drained nor deleted for
     * being idle, drained or silent (a call in progress outranks the host's own status).
     */
    public boolean busyAtRouter() {
        return routed != null && routed.mayCarryCalls();
    }

    /** The router, read this pass, holds a call on this host: even a silent host is not given up for lost. */
    public boolean callAtRouter() {
        return routed != null && routed.known() && routed.locked() > 0;
    }
}
