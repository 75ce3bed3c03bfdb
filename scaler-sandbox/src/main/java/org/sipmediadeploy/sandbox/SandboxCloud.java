package org.sipmediadeploy.sandbox;

import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.sipmediadeploy.sandbox.Resources.Image;
import org.sipmediadeploy.sandbox.Resources.PortRec;
import org.sipmediadeploy.sandbox.Resources.ServerRec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud's server semantics: create (checks, quota, ports), boot after the boot delay, delete after the delete
 * delay, shut-off, as Nova does them; ports and floating IPs are {@link Networking}'s, the records the
 * {@link ResourceStore}'s, and what runs for a server the {@link InstanceLifecycle}'s. Everything runs under the
 * store's lock, so API handlers render resources while holding it. Slow side effects (stopping a process) run on
 * the lifecycle executor.
 */
final class SandboxCloud implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxCloud.class);

    final SandboxConfig config;
    final Clock clock;
    final EventLog events;
    final ResourceStore store;
    final Networking networking;
    private final ScheduledExecutorService lifecycle;

    private int instanceCounter;
    private final InstanceLifecycle instances;

    SandboxCloud(
            SandboxConfig config,
            Clock clock,
            EventLog events,
            String projectId,
            EventLoopGroup dataGroup,
            ScheduledExecutorService lifecycle,
            Path workDir) {
        this.config = config;
        this.clock = clock;
        this.events = events;
        this.lifecycle = lifecycle;
        this.instances = new InstanceLifecycle(config, dataGroup, lifecycle, workDir);
        this.store = new ResourceStore(config, projectId, clock.instant());
        this.networking = new Networking(config, clock, events, store, dataGroup);
    }

    // ---------------------------------------------------------------- servers

    /** A network request of a server create: a network id, or an existing port, optionally a fixed IP. */
    record NetworkRequest(String networkId, String portId, String fixedIp) {}

    ServerRec createServer(
            Caller caller,
            String name,
            String imageId,
            String flavorId,
            List<NetworkRequest> nets,
            Map<String, String> metadata,
            String userData,
            String keyName,
            List<String> groups,
            boolean noValidHost) {
        return store.locked(() -> {
            store.requireOpen();
            Image image = store.images.get(imageId);
            if (image == null) {
                throw new ApiException(Errors.nova(400, "Can not find requested image"));
            }
            if (!store.flavors.containsKey(flavorId)) {
                throw new ApiException(Errors.nova(400, "Flavor " + flavorId + " could not be found."));
            }
            for (String g : groups) {
                if (store.securityGroups.values().stream()
                        .noneMatch(s -> s.name().equals(g) || s.id().equals(g))) {
                    throw new ApiException(Errors.nova(
                            400, "Security group " + g + " not found for project " + store.projectId + "."));
                }
            }
            List<NetworkRequest> requested = nets.isEmpty()
                    ? List.of(new NetworkRequest(store.tenantNetwork().id(), null, null))
                    : nets;
            for (NetworkRequest r : requested) {
                if (r.portId() != null) {
                    PortRec p = store.ports.get(r.portId());
                    if (p == null) {
                        throw new ApiException(Errors.nova(400, "Port " + r.portId() + " could not be found."));
                    }
                    if (!p.deviceId.isEmpty()) {
                        throw new ApiException(Errors.nova(409, "Port " + r.portId() + " is still in use."));
                    }
                } else if (!store.networks.containsKey(r.networkId())
                        || store.networks.get(r.networkId()).external()) {
                    throw new ApiException(Errors.nova(400, "Network " + r.networkId() + " could not be found."));
                }
            }
            long active =
                    store.servers.values().stream().filter(s -> !s.deleting).count();
            if (active >= config.maxServers()) {
                throw new ApiException(Errors.nova(
                        403,
                        "Quota exceeded for instances: Requested 1, but already used " + active + " of "
                                + config.maxServers() + " instances"));
            }
            Instant now = clock.instant();
            ServerRec s = new ServerRec();
            s.id = UUID.randomUUID().toString();
            s.name = name;
            s.imageId = imageId;
            s.flavorId = flavorId;
            s.userId = caller.userId();
            s.projectId = store.projectId;
            s.metadata.putAll(metadata);
            s.userData = userData;
            s.keyName = keyName;
            s.securityGroups.addAll(groups.isEmpty() ? List.of("default") : groups);
            s.created = now;
            s.updated = now;
            s.reservationId = "r-"
                    + Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits()), 36)
                            .substring(0, 8);
            s.adminPass = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            store.servers.put(s.id, s);
            for (NetworkRequest r : requested) {
                PortRec p = r.portId() != null
                        ? store.ports.get(r.portId())
                        : networking.newPort(store.networks.get(r.networkId()), "", r.fixedIp());
                p.deviceId = s.id;
                p.deviceOwner = "compute:nova";
                p.updated = now;
                p.revision++;
                s.portIds.add(p.id);
            }
            String imageName = image.name();
            instances.prepare(imageName);
            boolean fail = noValidHost;
            lifecycle.schedule(
                    () -> boot(s.id, imageName, fail), config.bootDelay().toMillis(), TimeUnit.MILLISECONDS);
            return s;
        });
    }

    /** A server about to boot and the port its instance serves on (null: it has none). */
    private record Booting(ServerRec server, PortRec port) {}

    private void boot(String serverId, String imageName, boolean noValidHost) {
        Booting booting = store.locked(() -> {
            ServerRec s = store.servers.get(serverId);
            if (store.closed() || s == null || s.deleting) {
                return null;
            }
            if (noValidHost) {
                Instant now = clock.instant();
                s.status = "ERROR";
                s.vmState = "error";
                s.taskState = null;
                s.updated = now;
                s.fault = Json.obj(
                        "code",
                        500,
                        "created",
                        Json.seconds(now),
                        "message",
                        "No valid host was found. There are not enough hosts available.");
                events.record(
                        "server.error", Caller.SANDBOX, serverId, 0, "No valid host was found", Map.of("name", s.name));
                return null;
            }
            return new Booting(s, s.portIds.isEmpty() ? null : store.ports.get(s.portIds.get(0)));
        });
        if (booting == null) {
            return;
        }
        ServerRec s = booting.server();
        PortRec port = booting.port();
        InstanceLifecycle.Node node = null;
        String error = null;
        if (port != null) {
            try {
                node = instances.start(s, imageName, port);
            } catch (RuntimeException e) {
                error = e.getMessage();
                LOG.warn("server {} failed to boot: {}", serverId, e.toString());
            }
        }
        InstanceLifecycle.Node started = node;
        String failure = error;
        store.lockedRun(() -> {
            Instant now = clock.instant();
            if (store.closed() || s.deleting || !store.servers.containsKey(serverId)) {
                if (started != null) {
                    InstanceLifecycle.stop(started);
                }
                return;
            }
            if (failure != null) {
                s.status = "ERROR";
                s.vmState = "error";
                s.taskState = null;
                s.fault = Json.obj(
                        "code",
                        500,
                        "created",
                        Json.seconds(now),
                        "message",
                        "Build of instance " + serverId + " aborted: " + failure);
                events.record("server.error", Caller.SANDBOX, serverId, 0, failure, Map.of("name", s.name));
                return;
            }
            if (started != null) {
                instances.running(serverId, started);
                s.instanceKind = started.instance().kind();
            }
            s.status = "ACTIVE";
            s.vmState = "active";
            s.taskState = null;
            s.powerState = 1;
            s.launchedAt = now;
            s.updated = now;
            s.availabilityZone = "nova";
            s.instanceName = String.format(Locale.ROOT, "instance-%08x", ++instanceCounter);
            for (String pid : s.portIds) {
                PortRec p = store.ports.get(pid);
                p.status = "ACTIVE";
                p.bindingHost = "sandbox";
                p.revision++;
                p.updated = now;
            }
            events.record(
                    "server.active",
                    Caller.SANDBOX,
                    serverId,
                    0,
                    "ok",
                    Map.of(
                            "name",
                            s.name,
                            "fixed_ip",
                            port == null ? "" : port.fixedIp,
                            "instance",
                            started == null ? "none" : started.instance().kind()));
        });
    }

    void deleteServer(Caller caller, String id) {
        store.lockedRun(() -> {
            store.requireOpen();
            ServerRec s = store.servers.get(id);
            if (s == null || s.deleting) {
                throw new ApiException(Errors.nova(404, "Instance " + id + " could not be found."));
            }
            s.deleting = true;
            s.taskState = "deleting";
            s.updated = clock.instant();
            instances.stopLater(id);
            lifecycle.schedule(() -> finishDelete(id), config.deleteDelay().toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    private void finishDelete(String id) {
        store.lockedRun(() -> {
            ServerRec s = store.servers.remove(id);
            if (s == null) {
                return;
            }
            for (String pid : s.portIds) {
                PortRec p = store.ports.get(pid);
                if (p == null) {
                    continue;
                }
                // Nova deletes the ports it created; Neutron disassociates their floating IPs.
                networking.removePort(Caller.SANDBOX, p);
            }
            events.record("server.deleted", Caller.SANDBOX, id, 0, "ok", Map.of("name", s.name));
        });
    }

    // ---------------------------------------------------------------- instance faults

    Instance instance(String serverId) {
        return instances.instance(serverId);
    }

    Forwarder nic(String serverId) {
        return instances.nic(serverId);
    }

    Collection<String> runningServerIds() {
        return instances.runningServerIds();
    }

    String fixedAddress(String serverId) {
        return store.locked(() -> {
            ServerRec s = store.servers.get(serverId);
            if (s == null || s.portIds.isEmpty()) {
                throw new IllegalArgumentException("unknown server " + serverId);
            }
            return store.ports.get(s.portIds.get(0)).fixedIp;
        });
    }

    void shutoff(String serverId) {
        store.lockedRun(() -> {
            ServerRec s = store.servers.get(serverId);
            if (s == null) {
                throw new IllegalArgumentException("unknown server " + serverId);
            }
            s.status = "SHUTOFF";
            s.vmState = "stopped";
            s.powerState = 4;
            s.updated = clock.instant();
            instances.stopLater(serverId);
        });
    }

    @Override
    public void close() {
        if (!store.markClosed()) {
            return;
        }
        networking.closeForwarders();
        instances.stopAll();
    }
}
