package org.sipmediadeploy.sandbox;

import java.util.Map;

/**
 * The instance and path faults of the Java API ({@link Sandbox#kill}, {@link Sandbox#pathLoss}, ...), which the
 * control API's server actions call too; each one applied is recorded in the event log.
 */
final class InstanceFaults {
    private final SandboxConfig config;
    private final SandboxCloud cloud;
    private final EventLog events;

    InstanceFaults(SandboxCloud cloud) {
        this.config = cloud.config;
        this.cloud = cloud;
        this.events = cloud.events;
    }

    void kill(String serverId) {
        Instance i = cloud.instance(serverId);
        i.kill();
        events.record(
                "fault.instance", Caller.CONTROL, serverId, 0, "ok", Map.of("action", "kill", "instance", i.kind()));
    }

    void freeze(String serverId) {
        Instance i = cloud.instance(serverId);
        i.freeze();
        events.record(
                "fault.instance", Caller.CONTROL, serverId, 0, "ok", Map.of("action", "freeze", "instance", i.kind()));
    }

    void resume(String serverId) {
        Instance i = cloud.instance(serverId);
        i.resume();
        events.record(
                "fault.instance", Caller.CONTROL, serverId, 0, "ok", Map.of("action", "resume", "instance", i.kind()));
    }

    void restart(String serverId) {
        Instance i = cloud.instance(serverId);
        if (i.alive()) {
            i.close();
        }
        i.start();
        events.record(
                "fault.instance", Caller.CONTROL, serverId, 0, "ok", Map.of("action", "restart", "instance", i.kind()));
    }

    void shutoff(String serverId) {
        cloud.shutoff(serverId);
        events.record("fault.instance", Caller.CONTROL, serverId, 0, "ok", Map.of("action", "shutoff"));
    }

    void traffic(String serverId, TrafficMode mode) {
        cloud.nic(serverId).mode(mode);
        events.record(
                "fault.instance",
                Caller.CONTROL,
                serverId,
                0,
                "ok",
                Map.of("action", "traffic-" + mode.name().toLowerCase(java.util.Locale.ROOT)));
    }

    void pathTraffic(String serverId, String source, TrafficMode mode) {
        Forwarder nic = cloud.nic(serverId);
        java.net.InetAddress from = loopbackSource(source);
        nic.sourceFault(from, mode, 0, config.seed());
        events.record(
                "fault.path",
                Caller.CONTROL,
                serverId,
                0,
                "ok",
                Map.of("source", source, "action", "traffic-" + mode.name().toLowerCase(java.util.Locale.ROOT)));
    }

    void pathLoss(String serverId, String source, double rate, long seed) {
        cloud.nic(serverId).sourceFault(loopbackSource(source), TrafficMode.NORMAL, rate, seed);
        events.record(
                "fault.path",
                Caller.CONTROL,
                serverId,
                0,
                "ok",
                Map.of("source", source, "action", "loss", "rate", Double.toString(rate), "seed", Long.toString(seed)));
    }

    void clearPathFaults() {
        for (String id : cloud.runningServerIds()) {
            try {
                cloud.nic(id).clearSourceFaults();
            } catch (IllegalArgumentException e) {
                // deleted meanwhile: nothing left to clear
            }
        }
        events.record("fault.path.clear", Caller.CONTROL, "*", 0, "ok", Map.of());
    }

    private static java.net.InetAddress loopbackSource(String source) {
        // checked as a literal first: getByName would resolve a host name
        if (source == null || !source.matches("127(\\.\\d{1,3}){3}")) {
            throw new IllegalArgumentException(
                    "source must be an IPv4 loopback address (127.x.y.z), was '" + source + "'");
        }
        try {
            return java.net.InetAddress.getByName(source);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(
                    "source must be an IPv4 loopback address (127.x.y.z), was '" + source + "'");
        }
    }
}
