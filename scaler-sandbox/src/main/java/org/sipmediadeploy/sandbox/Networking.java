package org.sipmediadeploy.sandbox;

import io.netty.channel.EventLoopGroup;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.sipmediadeploy.sandbox.Resources.FipRec;
import org.sipmediadeploy.sandbox.Resources.Network;
import org.sipmediadeploy.sandbox.Resources.PortRec;

/**
 * Neutron's semantics in the sandbox: ports with their fixed addresses, floating IPs with their revisions and the
 * forwarder that carries each one's traffic to the port it is associated with. Everything runs under the
 * {@link ResourceStore}'s lock, like {@link SandboxCloud}'s server semantics, which create and delete the ports of
 * servers through here.
 */
final class Networking {
    private final SandboxConfig config;
    private final Clock clock;
    private final EventLog events;
    private final ResourceStore store;
    private final EventLoopGroup dataGroup;
    private final Map<String, Forwarder> fipForwarders = new LinkedHashMap<>();
    private final Addresses addresses = new Addresses();

    Networking(SandboxConfig config, Clock clock, EventLog events, ResourceStore store, EventLoopGroup dataGroup) {
        this.config = config;
        this.clock = clock;
        this.events = events;
        this.store = store;
        this.dataGroup = dataGroup;
    }

    // ---------------------------------------------------------------- ports

    PortRec createPort(Caller caller, String networkId, String name, String fixedIp) {
        return store.locked(() -> {
            store.requireOpen();
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

    PortRec newPort(Network net, String name, String fixedIp) {
        int ordinal = ordinal(addresses.fixed, net, fixedIp);
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
            store.requireOpen();
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

    void removePort(Caller caller, PortRec p) {
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
            store.requireOpen();
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
            int ordinal = ordinal(addresses.floating, net, address);
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
            store.requireOpen();
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
            store.requireOpen();
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

    String floatingTarget(String address) {
        return store.locked(() -> {
            return store.floatingIps.values().stream()
                    .filter(f -> f.address.equals(address))
                    .findFirst()
                    .map(f -> f.fixedIp)
                    .orElse(null);
        });
    }

    /** Closes every floating IP's forwarder; the store is closed first, so no new one is made meanwhile. */
    void closeForwarders() {
        List<Forwarder> fwds = new ArrayList<>();
        store.lockedRun(() -> {
            fwds.addAll(fipForwarders.values());
            fipForwarders.clear();
        });
        for (Forwarder f : fwds) {
            f.close();
        }
    }

    /** The ordinal of {@code address} in {@code net} (400 outside it, 409 if taken), or the pool's next free one. */
    private static int ordinal(Addresses.Pool pool, Network net, String address) {
        if (address == null) {
            return pool.allocate();
        }
        if (!address.startsWith(net.prefix())) {
            throw new ApiException(Errors.neutron(
                    400,
                    "InvalidIpForNetwork",
                    "IP address " + address + " is not a valid IP for the specified subnet."));
        }
        int ordinal = Integer.parseInt(address.substring(net.prefix().length()));
        if (pool.inUse(ordinal)) {
            throw new ApiException(Errors.neutron(
                    409,
                    "IpAddressAlreadyAllocated",
                    "IP address " + address + " already allocated in subnet " + net.subnetId()));
        }
        return ordinal;
    }
}
