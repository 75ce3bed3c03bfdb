package org.sipmediadeploy.core.loop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sipmediadeploy.core.model.FloatingIp;
import org.sipmediadeploy.core.model.FloatingIpSource;
import org.sipmediadeploy.core.model.Port;
import org.sipmediadeploy.core.model.Server;
import org.sipmediadeploy.core.model.ServerMetadata;
import org.sipmediadeploy.core.model.ServerSpec;
import org.sipmediadeploy.core.model.ServerStatus;
import org.sipmediadeploy.core.port.Cloud;
import org.sipmediadeploy.core.port.CloudException;

/** An in-memory cloud that records every mutating call. Servers are ACTIVE at once, each with one port. */
final class FakeCloud implements Cloud {
    final Map<String, Server> servers = new LinkedHashMap<>();
    final Map<String, Port> ports = new LinkedHashMap<>();
    final Map<String, FloatingIp> fips = new LinkedHashMap<>();
    final List<String> actions = new ArrayList<>();
    /** Ports made by ensurePort, by name; a server created on one is found by portOf through {@code boundTo}. */
    final Map<String, Port> named = new LinkedHashMap<>();

    final Map<String, String> boundTo = new LinkedHashMap<>();
    /** The status servers made by {@link #createServer} stay in (BUILD: a server that never boots). */
    ServerStatus createdStatus = ServerStatus.ACTIVE;

    private int next = 1;

    Server addServer(String name, Map<String, String> meta) {
        return addServer(name, meta, ServerStatus.ACTIVE);
    }

    Server addServer(String name, Map<String, String> meta, ServerStatus status) {
        String id = "srv-" + next++;
        String addr = "10.0.0." + next;
        Server s = new Server(id, name, status, meta, List.of(addr), null);
        servers.put(id, s);
        ports.put("port-" + id, new Port("port-" + id, id, "net", addr));
        return s;
    }

    /**
     * A pair member as the Terraform module {@code service_pair} makes it: the deployment tag, group and role of
     * the pair, and a decision id {@code terraform-<name>} that no scaler decision ever has.
     */
    Server addTerraformMember(String tag, String kind, String name) {
        return addServer(
                name,
                Map.of(
                        ServerMetadata.TAG,
                        tag,
                        ServerMetadata.GROUP,
                        kind,
                        ServerMetadata.ROLE,
                        kind,
                        ServerMetadata.DECISION,
                        "terraform-" + name));
    }

    /** A server the scaler made for decision {@code decisionId} of pool or pair {@code group}. */
    Server addScalerMade(String tag, String group, String role, String name, String decisionId) {
        return addServer(
                name,
                Map.of(
                        ServerMetadata.TAG,
                        tag,
                        ServerMetadata.GROUP,
                        group,
                        ServerMetadata.ROLE,
                        role,
                        ServerMetadata.DECISION,
                        decisionId));
    }

    FloatingIp addFip(String address, String portId) {
        FloatingIp f = new FloatingIp("fip-" + address, address, portId, null, 1);
        fips.put(f.id(), f);
        return f;
    }

    /** When set, every listing waits for it (a slow Nova): a test opens it to let the listing answer. */
    volatile java.util.concurrent.CountDownLatch listGate;

    @Override
    public List<Server> listServers(String tag, String namePrefix) {
        java.util.concurrent.CountDownLatch gate = listGate;
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CloudException(CloudException.Kind.TRANSIENT, "listServers", "interrupted");
            }
        }
        return servers.values().stream()
                .filter(s -> tag == null || tag.equals(s.metadata().get(ServerMetadata.TAG)))
                .filter(s -> namePrefix == null || s.name().startsWith(namePrefix))
                .toList();
    }

    @Override
    public Optional<Server> server(String serverId) {
        return Optional.ofNullable(servers.get(serverId));
    }

    @Override
    public Optional<Server> findByDecision(String tag, String decisionId) {
        return listServers(tag, null).stream()
                .filter(s -> decisionId.equals(s.decisionId().orElse(null)))
                .findFirst();
    }

    @Override
    public Server createServer(ServerSpec spec) {
        Optional<Server> existing = findByDecision(spec.tag(), spec.decisionId());
        if (existing.isPresent()) {
            return existing.get();
        }
        actions.add("create " + spec.name() + " for " + spec.decisionId());
        Server s = addServer(spec.name(), spec.metadata(), createdStatus);
        if (spec.portId() != null) {
            boundTo.put(s.id(), spec.portId());
        }
        return s;
    }

    @Override
    public void deleteServer(String serverId) {
        if (servers.containsKey(serverId)) {
            actions.add("delete " + serverId);
        }
        servers.remove(serverId);
        boundTo.remove(serverId);
        ports.remove("port-" + serverId);
    }

    @Override
    public Optional<Port> portOf(String serverId, String network) {
        String bound = boundTo.get(serverId);
        if (bound != null) {
            return named.values().stream().filter(p -> p.id().equals(bound)).findFirst();
        }
        return Optional.ofNullable(ports.get("port-" + serverId));
    }

    @Override
    public Port ensurePort(String network, String name, List<String> securityGroups) {
        return named.computeIfAbsent(name, n -> {
            actions.add("port " + n);
            return new Port("np-" + n, null, network, "10.1.0." + (named.size() + 2));
        });
    }

    @Override
    public void deletePort(String portId) {
        actions.add("delete port " + portId);
        named.values().removeIf(p -> p.id().equals(portId));
    }

    @Override
    public Optional<FloatingIp> floatingIpByAddress(String address) {
        return fips.values().stream().filter(f -> f.address().equals(address)).findFirst();
    }

    @Override
    public FloatingIp associate(String floatingIpId, String portId) {
        actions.add("associate " + floatingIpId + " " + portId);
        FloatingIp f = fips.get(floatingIpId);
        FloatingIp n = new FloatingIp(f.id(), f.address(), portId, null, f.revision() + 1);
        fips.put(f.id(), n);
        return n;
    }

    /** Runs before each try of {@link #move}; may throw (a timed-out try) or move the floating IP itself. */
    Runnable beforeMoveTry = () -> {};
    /** Tries per move (as the adapter retries TRANSIENT failures). */
    int moveTries = 3;

    @Override
    public FloatingIp move(String floatingIpId, String toPortId, FloatingIpSource expected, Guard guard) {
        CloudException last = null;
        for (int i = 0; i < moveTries; i++) {
            guard.check();
            try {
                beforeMoveTry.run();
            } catch (CloudException e) {
                if (e.kind() != CloudException.Kind.TRANSIENT) {
                    throw e;
                }
                last = e;
                continue;
            }
            FloatingIp f = fips.get(floatingIpId);
            if (f.isAssociatedTo(toPortId)) {
                return f;
            }
            if (!expected.matches(f)) {
                throw new CloudException(
                        CloudException.Kind.STALE,
                        "associate",
                        "floating IP is on " + FloatingIpSource.of(f) + ", expected " + expected);
            }
            return associate(floatingIpId, toPortId);
        }
        throw last;
    }

    @Override
    public FloatingIp disassociate(String floatingIpId) {
        return associate(floatingIpId, null);
    }
}
