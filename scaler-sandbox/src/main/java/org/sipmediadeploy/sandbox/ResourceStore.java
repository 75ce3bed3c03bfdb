package org.sipmediadeploy.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.sipmediadeploy.sandbox.Resources.FipRec;
import org.sipmediadeploy.sandbox.Resources.Flavor;
import org.sipmediadeploy.sandbox.Resources.Image;
import org.sipmediadeploy.sandbox.Resources.Network;
import org.sipmediadeploy.sandbox.Resources.PortRec;
import org.sipmediadeploy.sandbox.Resources.SecurityGroup;
import org.sipmediadeploy.sandbox.Resources.ServerRec;

/**
 * The cloud's resource records: networks, images, flavors, security groups, servers, ports and floating IPs, with
 * the lookups the APIs share. The records are mutable, so every read and write of them, and of the state that
 * {@link SandboxCloud} keeps beside them, happens inside {@link #locked} or {@link #lockedRun}: one lock for the
 * whole cloud, so an API handler renders a consistent view and a create sees every check and write at once.
 */
final class ResourceStore {
    final String projectId;
    final String routerId = UUID.randomUUID().toString();
    final Map<String, Network> networks = new LinkedHashMap<>();
    final Map<String, Image> images = new LinkedHashMap<>();
    final Map<String, Flavor> flavors = new LinkedHashMap<>();
    final Map<String, SecurityGroup> securityGroups = new LinkedHashMap<>();
    final Map<String, ServerRec> servers = new LinkedHashMap<>();
    final Map<String, PortRec> ports = new LinkedHashMap<>();
    final Map<String, FipRec> floatingIps = new LinkedHashMap<>();
    private boolean closed;

    /** The initial resources of a fresh sandbox: tenant and external networks, images, flavors, groups. */
    ResourceStore(SandboxConfig config, String projectId, Instant now) {
        this.projectId = projectId;
        addNetwork("tenant-net", false, cidr(config.fixedPrefix()), config.fixedPrefix(), 204, now);
        addNetwork("ext-net", true, cidr(config.floatingPrefix()), config.floatingPrefix(), 0, now);
        for (String name : config.images()) {
            Image i = new Image(
                    UUID.nameUUIDFromBytes(("image:" + name).getBytes(StandardCharsets.UTF_8))
                            .toString(),
                    name,
                    now);
            images.put(i.id(), i);
        }
        int n = 0;
        for (String name : config.flavors()) {
            Flavor f = new Flavor(
                    UUID.nameUUIDFromBytes(("flavor:" + name).getBytes(StandardCharsets.UTF_8))
                            .toString(),
                    name,
                    64 << n,
                    1 << n,
                    1 << n);
            flavors.put(f.id(), f);
            n++;
        }
        for (String name : config.securityGroups()) {
            addSecurityGroup(name, name.equals("default") ? "Default security group" : "");
        }
    }

    /** Runs {@code work} holding the store's lock and returns its result. The lock is reentrant. */
    synchronized <T> T locked(Supplier<T> work) {
        return work.get();
    }

    /** Runs {@code work} holding the store's lock. The lock is reentrant. */
    synchronized void lockedRun(Runnable work) {
        work.run();
    }

    /** Marks the cloud closed: every later API call is refused. True the first time only. */
    boolean markClosed() {
        return locked(() -> {
            if (closed) {
                return false;
            }
            closed = true;
            return true;
        });
    }

    /** Whether the cloud is closed (callers hold the lock). */
    boolean closed() {
        return closed;
    }

    /** Refuses an API call on a closed cloud, as Nova answers while it is going away (callers hold the lock). */
    void requireOpen() {
        if (closed) {
            throw new ApiException(Errors.nova(503, "The sandbox is shutting down."));
        }
    }

    private static String cidr(String prefix) {
        return prefix + "0/24";
    }

    private void addNetwork(String name, boolean external, String cidr, String prefix, int seg, Instant now) {
        Network net = new Network(
                UUID.randomUUID().toString(),
                name,
                external,
                UUID.randomUUID().toString(),
                name.replace("-net", "-subnet"),
                cidr,
                prefix,
                seg,
                now);
        networks.put(net.id(), net);
    }

    synchronized SecurityGroup addSecurityGroup(String name, String description) {
        SecurityGroup g = new SecurityGroup(UUID.randomUUID().toString(), name, description);
        securityGroups.put(g.id(), g);
        return g;
    }

    // ---------------------------------------------------------------- lookups (callers hold the lock)

    Network tenantNetwork() {
        return networks.values().stream().filter(n -> !n.external()).findFirst().orElseThrow();
    }

    Network externalNetwork() {
        return networks.values().stream().filter(Network::external).findFirst().orElseThrow();
    }

    Image imageByName(String name) {
        return images.values().stream()
                .filter(i -> i.name().equals(name))
                .findFirst()
                .orElse(null);
    }

    FipRec fipOfPort(String portId) {
        return floatingIps.values().stream()
                .filter(f -> portId.equals(f.portId))
                .findFirst()
                .orElse(null);
    }

    Network networkOfPort(PortRec p) {
        return networks.get(p.networkId);
    }
}
