package org.sipmediadeploy.sandbox;

import java.util.Map;

/**
 * Simulated calls on the gateway hosts (servers running a {@link BuiltinInstance}): a call takes an idle
 * gateway and gives it back; each start and end is recorded in the event log.
 */
final class GatewayCalls {
    private final SandboxCloud cloud;
    private final EventLog events;

    GatewayCalls(SandboxCloud cloud) {
        this.cloud = cloud;
        this.events = cloud.events;
    }

    private BuiltinInstance gateway(String serverId) {
        Instance i = cloud.instance(serverId);
        if (i instanceof BuiltinInstance b) {
            return b;
        }
        throw new IllegalArgumentException("server " + serverId + " runs " + i.kind() + ", not a gateway host");
    }

    boolean startCall(String serverId) {
        boolean ok = gateway(serverId).startCall();
        events.record(
                "gateway.call.start",
                Caller.CONTROL,
                serverId,
                0,
                ok ? "ok" : "no idle gateway",
                Map.of("idle", Integer.toString(gateway(serverId).idle())));
        return ok;
    }

    boolean endCall(String serverId) {
        boolean ok = gateway(serverId).endCall();
        events.record(
                "gateway.call.end",
                Caller.CONTROL,
                serverId,
                0,
                ok ? "ok" : "no busy gateway",
                Map.of("idle", Integer.toString(gateway(serverId).idle())));
        return ok;
    }

    int idle(String serverId) {
        return gateway(serverId).idle();
    }

    void canBeTerminated(String serverId, boolean value) {
        gateway(serverId).canBeTerminated(value);
    }
}
