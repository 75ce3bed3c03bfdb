package org.sipmediadeploy.raft;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * An in-memory cloud shared by all simulated nodes. Each node sees it through {@link #as}, which reports every
 * mutation (with the acting node) to the simulation before it takes effect, so invariants are checked at the
 * moment of the action. {@code failNext} makes the next call fail transiently (scripted cloud errors).
 */
final class SimCloud {
    record Mutation(String node, String op, String target, String decisionId) {}

    final Map<String, Server> servers = new LinkedHashMap<>();
    final Map<String, Port> ports = new LinkedHashMap<>();
    final Map<String, FloatingIp> fips = new LinkedHashMap<>();
    final List<Mutation> mutations = new ArrayList<>();
    private int nextId;
    boolean failNext;

    void addServer(String id, String name, Map<String, String> meta, String portId, String address) {
        servers.put(id, new Server(id, name, ServerStatus.ACTIVE, meta, List.of(address), null));
        ports.put(portId, new Port(portId, id, "net", address));
    }

    Cloud as(String node, Consumer<Mutation> check) {
        return new Cloud() {
            @Override
            public List<Server> listServers(String tag, String namePrefix) {
                maybeFail("list");
                List<Server> out = new ArrayList<>();
                for (Server s : servers.values()) {
                    boolean tagOk = tag == null || tag.equals(s.metadata().get(ServerMetadata.TAG));
                    boolean nameOk = namePrefix == null || s.name().startsWith(namePrefix);
                    if (tagOk && nameOk) {
                        out.add(s);
                    }
                }
                return out;
            }

            @Override
            public Optional<Server> server(String serverId) {
                return Optional.ofNullable(servers.get(serverId));
            }

            @Override
            public Optional<Server> findByDecision(String tag, String decisionId) {
                return servers.values().stream()
                        .filter(s -> decisionId.equals(s.decisionId().orElse(null)))
                        .findFirst();
            }

            @Override
            public Server createServer(ServerSpec spec) {
                check.accept(new Mutation(node, "create", spec.name(), spec.decisionId()));
                String id = "srv-new-" + ++nextId;
                Server s = new Server(
                        id, spec.name(), ServerStatus.ACTIVE, spec.metadata(), List.of("10.0.9." + nextId), null);
                servers.put(id, s);
                return s;
            }

            @Override
            public void deleteServer(String serverId) {
                maybeFail("delete");
                check.accept(new Mutation(node, "delete", serverId, null));
                servers.remove(serverId);
            }

            @Override
            public Optional<Port> portOf(String serverId, String network) {
                return ports.values().stream()
                        .filter(p -> serverId.equals(p.deviceId()))
                        .findFirst();
            }

            @Override
            public Optional<FloatingIp> floatingIpByAddress(String address) {
                maybeFail("fip");
                return fips.values().stream()
                        .filter(f -> f.address().equals(address))
                        .findFirst();
            }

            @Override
            public FloatingIp associate(String floatingIpId, String portId) {
                maybeFail("associate");
                check.accept(new Mutation(node, "associate", floatingIpId + "->" + portId, null));
                FloatingIp f = fips.get(floatingIpId);
                FloatingIp next = new FloatingIp(
                        f.id(), f.address(), portId, ports.get(portId).fixedIp(), f.revision() + 1);
                fips.put(f.id(), next);
                return next;
            }

            @Override
            public FloatingIp move(String floatingIpId, String toPortId, FloatingIpSource expected, Guard guard) {
                guard.check();
                maybeFail("associate");
                FloatingIp f = fips.get(floatingIpId);
                if (f.isAssociatedTo(toPortId)) {
                    return f;
                }
                if (!expected.matches(f)) {
                    throw new CloudException(
                            CloudException.Kind.STALE,
                            "associate",
                            "floating IP on " + FloatingIpSource.of(f) + ", expected " + expected);
                }
                return associate(floatingIpId, toPortId);
            }

            @Override
            public FloatingIp disassociate(String floatingIpId) {
                check.accept(new Mutation(node, "disassociate", floatingIpId, null));
                FloatingIp f = fips.get(floatingIpId);
                FloatingIp next = new FloatingIp(f.id(), f.address(), null, null, f.revision() + 1);
                fips.put(f.id(), next);
                return next;
            }
        };
    }

    private void maybeFail(String op) {
        if (failNext) {
            failNext = false;
            throw new CloudException(CloudException.Kind.TRANSIENT, op, "scripted 503");
        }
    }
}
