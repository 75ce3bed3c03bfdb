package org.sipmediadeploy.sandbox;

import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.sipmediadeploy.sandbox.Resources.FipRec;
import org.sipmediadeploy.sandbox.Resources.Image;
import org.sipmediadeploy.sandbox.Resources.Network;
import org.sipmediadeploy.sandbox.Resources.PortRec;
import org.sipmediadeploy.sandbox.Resources.ServerRec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud's state and what it does to the machine: servers with their instances and NIC forwarders, ports,
 * floating IPs with their forwarders. The records live in the {@link ResourceStore}; this class's own state is
 * guarded by the store's lock too, so one lock covers the whole cloud and API handlers render resources while
 * holding it. Slow side effects (stopping a process) run on the lifecycle executor.
 */
final class SandboxCloud implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxCloud.class);

    final SandboxConfig config;
    final Clock clock;
    final EventLog events;
    final ResourceStore store;
    private final EventLoopGroup dataGroup;
    private final ScheduledExecutorService lifecycle;

    private final Map<String, Forwarder> fipForwarders = new LinkedHashMap<>();
    private final Addresses addresses = new Addresses();
    private int instanceCounter;
    private boolean closed;
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
        this.dataGroup = dataGroup;
        this.lifecycle = lifecycle;
        this.instances = new InstanceLifecycle(config, dataGroup, lifecycle, workDir);
        this.store = new ResourceStore(config, projectId, clock.instant());
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
            requireOpen();
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
                        : newPort(store.networks.get(r.networkId()), "", r.fixedIp());
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
            if (closed || s == null || s.deleting) {
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
            if (closed || s.deleting || !store.servers.containsKey(serverId)) {
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
            requireOpen();
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
                removePort(Caller.SANDBOX, p);
            }
            events.record("server.deleted", Caller.SANDBOX, id, 0, "ok", Map.of("name", s.name));
        });
    }

    // ---------------------------------------------------------------- ports

    PortRec createPort(Caller caller, String networkId, String name, String fixedIp) {
        return store.locked(() -> {
            requireOpen();
            Network net = store.networks.get(networkId);
            if (net == null) {
                throw new ApiException(
                        Errors.neutron(404, "NetworkNotFound", "Network " + networkId + " could not be found."));
            }
            PortRec p = newPort(net, name == null ? "" : name, fixedIp);
            events.record("port.create", caller, p.id, 201, "ok", Map.of("fixed_ip", p.fixedIp));
            return p;
        });
    }

    private PortRec newPort(Network net, String name, String fixedIp) {
        int ordinal;
        if (fixedIp != null) {
            if (!fixedIp.startsWith(net.prefix())) {
                throw new ApiException(Errors.neutron(
                        400,
                        "InvalidIpForNetwork",
                        "IP address " + fixedIp + " is not a valid IP for the specified subnet."));
            }
            ordinal = Integer.parseInt(fixedIp.substring(net.prefix().length()));
            if (addresses.fixed.inUse(ordinal)) {
                throw new ApiException(Errors.neutron(
                        409,
                        "IpAddressAlreadyAllocated",
                        "IP address " + fixedIp + " already allocated in subnet " + net.subnetId()));
            }
        } else {
            ordinal = addresses.fixed.allocate();
        }
        addresses.fixed.take(ordinal);
        Instant now = clock.instant();
        PortRec p = new PortRec();
        p.id = UUID.randomUUID().toString();
        p.name = name;
        p.networkId = net.id();
        p.subnetId = net.subnetId();
        p.projectId = store.projectId;
        p.mac = String.format(
                Locale.ROOT,
                "fa:16:3e:%02x:%02x:%02x",
                (ordinal >> 16) & 0xff,
                (addresses.fixed.size() * 7) & 0xff,
                ordinal & 0xff);
        p.fixedIp = net.prefix() + ordinal;
        p.hostIp = config.hostPrefix() + ordinal;
        p.created = now;
        p.updated = now;
        store.securityGroups.values().stream()
                .filter(g -> g.name().equals("default"))
                .findFirst()
                .ifPresent(g -> p.securityGroupIds.add(g.id()));
        store.ports.put(p.id, p);
        return p;
    }

    void deletePort(Caller caller, String id) {
        store.lockedRun(() -> {
            requireOpen();
            PortRec p = store.ports.get(id);
            if (p == null) {
                throw new ApiException(Errors.neutron(404, "PortNotFound", "Port " + id + " could not be found."));
            }
            if (p.deviceOwner.startsWith("compute:") && store.servers.containsKey(p.deviceId)) {
                throw new ApiException(Errors.neutron(
                        409,
                        "PortInUse",
                        "Port " + id + " cannot be deleted directly via the port API: has device owner compute:nova."));
            }
            removePort(caller, p);
        });
    }

    private void removePort(Caller caller, PortRec p) {
        FipRec f = store.fipOfPort(p.id);
        if (f != null) {
            String old = f.portId;
            setAssociation(f, null);
            events.record(
                    "floatingip.update",
                    caller,
                    f.id,
                    0,
                    "ok",
                    Map.of("address", f.address, "old_port_id", old, "port_id", "", "reason", "port deleted"));
        }
        store.ports.remove(p.id);
        if (p.fixedIp.startsWith(config.fixedPrefix())) {
            addresses.fixed.release(
                    Integer.parseInt(p.fixedIp.substring(config.fixedPrefix().length())));
        }
        events.record("port.delete", caller, p.id, 0, "ok", Map.of("fixed_ip", p.fixedIp));
    }

    // ---------------------------------------------------------------- floating IPs

    FipRec createFloatingIp(Caller caller, String networkId, String address, String portId, String description) {
        return store.locked(() -> {
            requireOpen();
            Network net = store.networks.get(networkId);
            if (net == null) {
                throw new ApiException(
                        Errors.neutron(404, "NetworkNotFound", "Network " + networkId + " could not be found."));
            }
            if (!net.external()) {
                throw new ApiException(Errors.neutron(
                        400,
                        "BadRequest",
                        "Bad floatingip request: Network " + networkId + " is not a valid external network."));
            }
            if (store.floatingIps.size() >= config.maxFloatingIps()) {
                throw new ApiException(
                        Errors.neutron(409, "OverQuota", "Quota exceeded for resources: ['floatingip']."));
            }
            int ordinal;
            if (address != null) {
                if (!address.startsWith(net.prefix())) {
                    throw new ApiException(Errors.neutron(
                            400,
                            "InvalidIpForNetwork",
                            "IP address " + address + " is not a valid IP for the specified subnet."));
                }
                ordinal = Integer.parseInt(address.substring(net.prefix().length()));
                if (addresses.floating.inUse(ordinal)) {
                    throw new ApiException(Errors.neutron(
                            409,
                            "IpAddressAlreadyAllocated",
                            "IP address " + address + " already allocated in subnet " + net.subnetId()));
                }
            } else {
                ordinal = addresses.floating.allocate();
            }
            PortRec port = null;
            if (portId != null) {
                port = store.ports.get(portId);
                if (port == null) {
                    throw new ApiException(
                            Errors.neutron(404, "PortNotFound", "Port " + portId + " could not be found."));
                }
            }
            Instant now = clock.instant();
            FipRec f = new FipRec();
            f.id = UUID.randomUUID().toString();
            f.address = net.prefix() + ordinal;
            f.floatingNetworkId = net.id();
            f.projectId = store.projectId;
            f.description = description == null ? "" : description;
            f.created = now;
            f.updated = now;
            if (port != null) {
                checkPortFree(f, port);
            }
            Forwarder fwd = new Forwarder(
                    "fip " + f.address, dataGroup, Addresses.address(f.address), config.forwardedPorts(), null);
            fwd.start();
            addresses.floating.take(ordinal);
            store.floatingIps.put(f.id, f);
            fipForwarders.put(f.id, fwd);
            if (port != null) {
                setAssociation(f, port);
                f.revision = 0;
            }
            events.record(
                    "floatingip.create",
                    caller,
                    f.id,
                    201,
                    "ok",
                    Map.of("address", f.address, "port_id", f.portId == null ? "" : f.portId));
            return f;
        });
    }

    private void checkPortFree(FipRec f, PortRec port) {
        FipRec other = store.fipOfPort(port.id);
        if (other != null && !other.id.equals(f.id)) {
            throw new ApiException(Errors.neutron(
                    409,
                    "FloatingIPPortAlreadyAssociated",
                    "Cannot associate "
                            + "floating IP " + f.address + " (" + f.id + ") with port " + port.id + " using fixed IP "
                            + port.fixedIp + ", as that fixed IP already has a floating IP on external network "
                            + f.floatingNetworkId + "."));
        }
    }

    /**
     * PUT of a floating IP's {@code port_id} ({@code portGiven} false: the body did not name it, only the
     * description may change). {@code ifMatch} is the revision a client requires, or -1.
     */
    FipRec updateFloatingIp(
            Caller caller, String id, boolean portGiven, String portId, String description, long ifMatch) {
        return store.locked(() -> {
            requireOpen();
            FipRec f = store.floatingIps.get(id);
            if (f == null) {
                throw new ApiException(
                        Errors.neutron(404, "FloatingIPNotFound", "Floating IP " + id + " could not be found"));
            }
            if (ifMatch >= 0 && ifMatch != f.revision) {
                throw new ApiException(Errors.neutron(
                        412,
                        "RevisionNumberConstraintFailed",
                        "Constrained to " + ifMatch + ", but current revision is " + f.revision));
            }
            String old = f.portId;
            if (portGiven) {
                PortRec port = null;
                if (portId != null) {
                    port = store.ports.get(portId);
                    if (port == null) {
                        throw new ApiException(
                                Errors.neutron(404, "PortNotFound", "Port " + portId + " could not be found."));
                    }
                    checkPortFree(f, port);
                }
                setAssociation(f, port);
            } else {
                f.revision++;
            }
            if (description != null) {
                f.description = description;
            }
            f.updated = clock.instant();
            Map<String, String> d = new LinkedHashMap<>();
            d.put("address", f.address);
            d.put("old_port_id", old == null ? "" : old);
            d.put("port_id", f.portId == null ? "" : f.portId);
            d.put("fixed_ip", f.fixedIp == null ? "" : f.fixedIp);
            d.put("revision", Long.toString(f.revision));
            events.record("floatingip.update", caller, f.id, 200, "ok", d);
            return f;
        });
    }

    /** Points a floating IP (record and forwarder) at {@code port}, or nowhere; bumps the revision. */
    private void setAssociation(FipRec f, PortRec port) {
        f.portId = port == null ? null : port.id;
        f.fixedIp = port == null ? null : port.fixedIp;
        f.routerId = port == null ? null : store.routerId;
        f.revision++;
        f.updated = clock.instant();
        Forwarder fwd = fipForwarders.get(f.id);
        if (fwd != null) {
            fwd.retarget(port == null ? null : Addresses.address(port.fixedIp));
        }
    }

    void deleteFloatingIp(Caller caller, String id) {
        store.lockedRun(() -> {
            requireOpen();
            FipRec f = store.floatingIps.remove(id);
            if (f == null) {
                throw new ApiException(
                        Errors.neutron(404, "FloatingIPNotFound", "Floating IP " + id + " could not be found"));
            }
            Forwarder fwd = fipForwarders.remove(id);
            if (fwd != null) {
                fwd.close();
            }
            addresses.floating.release(
                    Integer.parseInt(f.address.substring(config.floatingPrefix().length())));
            events.record("floatingip.delete", caller, id, 204, "ok", Map.of("address", f.address));
        });
    }

    String floatingStatus(FipRec f) {
        // This sandbox has a working "L3 agent": an associated floating IP forwards, so it is ACTIVE.
        return f.portId == null ? "DOWN" : "ACTIVE";
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

    String floatingTarget(String address) {
        return store.locked(() -> {
            return store.floatingIps.values().stream()
                    .filter(f -> f.address.equals(address))
                    .findFirst()
                    .map(f -> f.fixedIp)
                    .orElse(null);
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

    private void requireOpen() {
        if (closed) {
            throw new ApiException(Errors.nova(503, "The sandbox is shutting down."));
        }
    }

    @Override
    public void close() {
        List<Forwarder> fwds = new ArrayList<>();
        boolean closing = store.locked(() -> {
            if (closed) {
                return false;
            }
            closed = true;
            fwds.addAll(fipForwarders.values());
            fipForwarders.clear();
            return true;
        });
        if (!closing) {
            return;
        }
        for (Forwarder f : fwds) {
            f.close();
        }
        instances.stopAll();
    }
}
