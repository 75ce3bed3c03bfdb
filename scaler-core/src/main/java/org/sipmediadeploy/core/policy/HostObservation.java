package org.sipmediadeploy.core.policy;

import java.time.Instant;
import org.sipmediadeploy.core.model.GatewayCapacity;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ServerStatus;

/**
 * What the leader knows of one host this pass: the last status probe ({@code lastStatus} null when never probed),
 * since when it has not answered ({@code silentSince}, null while it answers), and its server's status in the
 * cloud ({@code UNKNOWN} when the inventory could not be read, {@code DELETED} when the server is gone).
 */
public record HostObservation(ProbeResult lastStatus, Instant silentSince, ServerStatus serverStatus) {
    public static final HostObservation NONE = new HostObservation(null, null, ServerStatus.UNKNOWN);

    /** The reported capacity when its last status probe answered, else null (unknown is not capacity). */
    public GatewayCapacity capacity() {
        return lastStatus == null || !lastStatus.isUp() ? null : lastStatus.capacity();
    }
}
