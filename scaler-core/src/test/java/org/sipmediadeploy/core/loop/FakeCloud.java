package org.sipmediadeploy.core.loop;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.sipmediadeploy.core.model.FloatingIp;
import org.sipmediadeploy.core.model.FloatingIpSource;
import org.sipmediadeploy.core.model.Port;
import org.sipmediadeploy.core.model.Server;
import org.sipmediadeploy.core.model.ServerMetadata;
import org.sipmediadeploy.core.model.ServerSpec;
import org.sipmediadeploy.core.model.ServerStatus;
import org.sipmediadeploy.core.port.Cloud;
import org.sipmediadeploy.core.port.CloudException;

/**
 * An in-memory cloud that records every mutating call. Servers are ACTIVE at once, each with one port.
 *
 * <p>One cloud can be shared by several simulated scaler nodes (the Raft simulation): each sees it through
 * {@link #as}, a view that reports every mutating call, with the node that makes it, to an observer before it
 * takes effect, so invariants are checked at the moment of the action. {@link #failNext} scripts a transient
 * failure (a 503) of the next listing, floating-IP lookup, deletion or floating-IP change, whoever makes it.
 * Public for the other modules' tests (it is in this module's test-jar); core's own tests also use its fields.
 */
public final class FakeCloud implements Cloud {
    /**
     * A mutating call as a view reports it: {@code op} is create, delete, associate, disassociate, port or delete
     * port; {@code target} the server name (create), the server id (delete), {@code fipId->portId} (associate), the
     * floating IP id (disassociate) or the port name / id; {@code decisionId} the one a create carries, else null.
     */
    public record Mutation(String node, String op, String target, String decisionId) {}

    final Map<String, Server> servers = new LinkedHashMap<>();
    final Map<String, Port> ports = new LinkedHashMap<>();
    final Map<String, FloatingIp> fips = new LinkedHashMap<>();
    final List<String> actions = new ArrayList<>();
    /** Ports made by ensurePort, by name; a server created on one is found by portOf through {@code boundTo}. */
    final Map<String, Port> named = new LinkedHashMap<>();

    final Map<String, String> boundTo = new LinkedHashMap<>();
    /** The status servers made by {@link #createServer} stay in (BUILD: a server that never boots). */
    ServerStatus createdStatus = ServerStatus.ACTIVE;

    /** When set, every listing waits for it (a slow Nova): a test opens it to let the listing answer. */
    volatile CountDownLatch listGate;

    /** Runs before each try of {@link #move}; may throw (a timed-out try) or move the floating IP itself. */
    Runnable beforeMoveTry = () -> {};
    /** Tries per move (as the adapter retries TRANSIENT failures). */
    int moveTries = 3;

    private boolean failNext;
    private int next = 1;

    Server addServer(String name, Map<String, String> meta) {
        return addServer(name, meta, ServerStatus.ACTIVE);
    }

    Server addServer(String name, Map<String, String> meta, ServerStatus status) {
        String id = "srv-" + next++;
        return put(id, name, status, meta, "port-" + id, "10.0.0." + next);
    }

    /** An ACTIVE server with the id, port id and address the caller names (one port on network "net"). */
    public Server addServer(String id, String name, Map<String, String> meta, String portId, String address) {
        return put(id, name, ServerStatus.ACTIVE, meta, portId, address);
    }

    /** A server as Nova reports it, with the instant it was created (the others say nothing: null). */
    Server addServerCreatedAt(String name, Map<String, String> meta, Instant created) {
        Server s = addServer(name, meta);
        Server dated = new Server(s.id(), s.name(), s.status(), s.metadata(), s.addresses(), created);
        servers.put(s.id(), dated);
        return dated;
    }

    private Server put(
            String id, String name, ServerStatus status, Map<String, String> meta, String portId, String address) {
        Server s = new Server(id, name, status, meta, List.of(address), null);
        servers.put(id, s);
        ports.put(portId, new Port(portId, id, "net", address));
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

    /** A floating IP {@code fip-<address>} at revision 1, on {@code portId} (null: on no port). */
    public FloatingIp addFip(String address, String portId) {
        FloatingIp f = new FloatingIp("fip-" + address, address, portId, fixedIpOf(portId), 1);
        fips.put(f.id(), f);
        return f;
    }

    /** Whether the next failable call (listing, floating-IP lookup, deletion, floating-IP change) fails (503). */
    public void failNext(boolean fail) {
        failNext = fail;
    }

    /** This cloud as {@code node} sees it: every mutating call is reported to {@code observer} before it acts. */
    public Cloud as(String node, Consumer<Mutation> observer) {
        return new NodeView(node, observer);
    }

    @Override
    public List<Server> listServers(String tag, String namePrefix) {
        maybeFail("listServers");
        return listed(tag, namePrefix);
    }

    private List<Server> listed(String tag, String namePrefix) {
        CountDownLatch gate = listGate;
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
        return listed(tag, null).stream()
                .filter(s -> decisionId.equals(s.decisionId().orElse(null)))
                .findFirst();
    }

    @Override
    public Server createServer(ServerSpec spec) {
        return create(spec, FakeCloud::unobserved);
    }

    private Server create(ServerSpec spec, Consumer<Mutation> observer) {
        observer.accept(new Mutation(null, "create", spec.name(), spec.decisionId()));
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
        delete(serverId, FakeCloud::unobserved);
    }

    private void delete(String serverId, Consumer<Mutation> observer) {
        maybeFail("deleteServer");
        observer.accept(new Mutation(null, "delete", serverId, null));
        if (servers.containsKey(serverId)) {
            actions.add("delete " + serverId);
        }
        servers.remove(serverId);
        boundTo.remove(serverId);
        ports.values().removeIf(p -> serverId.equals(p.deviceId()));
    }

    @Override
    public Optional<Port> portOf(String serverId, String network) {
        String bound = boundTo.get(serverId);
        if (bound != null) {
            return named.values().stream().filter(p -> p.id().equals(bound)).findFirst();
        }
        return ports.values().stream()
                .filter(p -> serverId.equals(p.deviceId()))
                .findFirst();
    }

    @Override
    public Port ensurePort(String network, String name, List<String> securityGroups) {
        return ensurePort(network, name, FakeCloud::unobserved);
    }

    private Port ensurePort(String network, String name, Consumer<Mutation> observer) {
        observer.accept(new Mutation(null, "port", name, null));
        return named.computeIfAbsent(name, n -> {
            actions.add("port " + n);
            return new Port("np-" + n, null, network, "10.1.0." + (named.size() + 2));
        });
    }

    @Override
    public void deletePort(String portId) {
        deletePort(portId, FakeCloud::unobserved);
    }

    private void deletePort(String portId, Consumer<Mutation> observer) {
        observer.accept(new Mutation(null, "delete port", portId, null));
        actions.add("delete port " + portId);
        named.values().removeIf(p -> p.id().equals(portId));
    }

    @Override
    public Optional<FloatingIp> floatingIpByAddress(String address) {
        maybeFail("floatingIpByAddress");
        return fips.values().stream().filter(f -> f.address().equals(address)).findFirst();
    }

    @Override
    public FloatingIp associate(String floatingIpId, String portId) {
        return associate(floatingIpId, portId, FakeCloud::unobserved);
    }

    private FloatingIp associate(String floatingIpId, String portId, Consumer<Mutation> observer) {
        maybeFail("associate");
        observer.accept(new Mutation(null, "associate", floatingIpId + "->" + portId, null));
        return repoint(floatingIpId, portId);
    }

    /** Points the floating IP at {@code portId} (null: none), its fixed IP that port's, its revision one higher. */
    private FloatingIp repoint(String floatingIpId, String portId) {
        actions.add("associate " + floatingIpId + " " + portId);
        FloatingIp f = fips.get(floatingIpId);
        FloatingIp n = new FloatingIp(f.id(), f.address(), portId, fixedIpOf(portId), f.revision() + 1);
        fips.put(f.id(), n);
        return n;
    }

    private String fixedIpOf(String portId) {
        if (portId == null) {
            return null;
        }
        Port p = ports.get(portId);
        if (p == null) {
            p = named.values().stream()
                    .filter(n -> n.id().equals(portId))
                    .findFirst()
                    .orElse(null);
        }
        return p == null ? null : p.fixedIp();
    }

    @Override
    public FloatingIp move(String floatingIpId, String toPortId, FloatingIpSource expected, Guard guard) {
        return move(floatingIpId, toPortId, expected, guard, FakeCloud::unobserved);
    }

    private FloatingIp move(
            String floatingIpId, String toPortId, FloatingIpSource expected, Guard guard, Consumer<Mutation> observer) {
        CloudException last = null;
        for (int i = 0; i < moveTries; i++) {
            guard.check();
            try {
                maybeFail("move");
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
            return associate(floatingIpId, toPortId, observer);
        }
        throw last;
    }

    @Override
    public FloatingIp disassociate(String floatingIpId) {
        return disassociate(floatingIpId, FakeCloud::unobserved);
    }

    private FloatingIp disassociate(String floatingIpId, Consumer<Mutation> observer) {
        observer.accept(new Mutation(null, "disassociate", floatingIpId, null));
        return repoint(floatingIpId, null);
    }

    /** What the cloud's own methods report to: nobody (only the views {@link #as} returns observe). */
    private static void unobserved(Mutation m) {}

    private void maybeFail(String op) {
        if (failNext) {
            failNext = false;
            throw new CloudException(CloudException.Kind.TRANSIENT, op, "scripted 503");
        }
    }

    /** The shared cloud as one node sees it: the same state, its mutations reported with its name first. */
    private final class NodeView implements Cloud {
        private final Consumer<Mutation> observer;

        NodeView(String node, Consumer<Mutation> observer) {
            this.observer = m -> observer.accept(new Mutation(node, m.op(), m.target(), m.decisionId()));
        }

        @Override
        public List<Server> listServers(String tag, String namePrefix) {
            return FakeCloud.this.listServers(tag, namePrefix);
        }

        @Override
        public Optional<Server> server(String serverId) {
            return FakeCloud.this.server(serverId);
        }

        @Override
        public Optional<Server> findByDecision(String tag, String decisionId) {
            return FakeCloud.this.findByDecision(tag, decisionId);
        }

        @Override
        public Server createServer(ServerSpec spec) {
            return create(spec, observer);
        }

        @Override
        public void deleteServer(String serverId) {
            delete(serverId, observer);
        }

        @Override
        public Optional<Port> portOf(String serverId, String network) {
            return FakeCloud.this.portOf(serverId, network);
        }

        @Override
        public Port ensurePort(String network, String name, List<String> securityGroups) {
            return FakeCloud.this.ensurePort(network, name, observer);
        }

        @Override
        public void deletePort(String portId) {
            FakeCloud.this.deletePort(portId, observer);
        }

        @Override
        public Optional<FloatingIp> floatingIpByAddress(String address) {
            return FakeCloud.this.floatingIpByAddress(address);
        }

        @Override
        public FloatingIp associate(String floatingIpId, String portId) {
            return FakeCloud.this.associate(floatingIpId, portId, observer);
        }

        @Override
        public FloatingIp move(String floatingIpId, String toPortId, FloatingIpSource expected, Guard guard) {
            return FakeCloud.this.move(floatingIpId, toPortId, expected, guard, observer);
        }

        @Override
        public FloatingIp disassociate(String floatingIpId) {
            return FakeCloud.this.disassociate(floatingIpId, observer);
        }
    }
}
