package org.sipmediadeploy.openstack;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.openstack4j.api.Builders;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.model.common.ActionResponse;
import org.openstack4j.model.compute.ServerCreate;
import org.openstack4j.model.compute.builder.ServerCreateBuilder;
import org.openstack4j.model.network.NetFloatingIP;
import org.openstack4j.model.network.options.PortListOptions;
import org.sipmediadeploy.core.model.FloatingIp;
import org.sipmediadeploy.core.model.FloatingIpSource;
import org.sipmediadeploy.core.model.Port;
import org.sipmediadeploy.core.model.Server;
import org.sipmediadeploy.core.model.ServerMetadata;
import org.sipmediadeploy.core.model.ServerSpec;
import org.sipmediadeploy.core.model.ServerStatus;
import org.sipmediadeploy.core.port.Cloud;
import org.sipmediadeploy.core.port.CloudException;
import org.sipmediadeploy.core.port.CloudException.Kind;
import org.sipmediadeploy.core.port.ScalerEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Cloud} on OpenStack through openstack4j: Nova for servers, Neutron for ports and floating IPs. Every
 * operation looks before it acts, so running it again (after a crash, a timeout or a retry) is safe, and "already
 * so" is success. Thread-safe.
 */
public final class OpenStackCloud implements Cloud {
    private static final Logger LOG = LoggerFactory.getLogger(OpenStackCloud.class);
    /** Nova refuses user data above 65535 bytes once base64-encoded. */
    static final int MAX_USER_DATA_BASE64 = 65535;

    private static final Pattern REGEX_SPECIAL = Pattern.compile("[\\\\.^$|?*+()\\[\\]{}]");

    private final OpenStackSettings settings;
    private final Keystone keystone;
    private final Edge edge;
    private final Names names;
    private final Neutron neutron;

    private OpenStackCloud(OpenStackSettings settings, Keystone keystone, Edge edge, Clock clock) {
        this.settings = settings;
        this.keystone = keystone;
        this.edge = edge;
        this.names = new Names(clock);
        this.neutron = new Neutron(keystone);
    }

    /** An adapter for one cloud; it authenticates on its first call. */
    public static OpenStackCloud create(OpenStackSettings settings, ScalerEvents events) {
        return create(settings, events, Clock.systemUTC());
    }

    static OpenStackCloud create(OpenStackSettings settings, ScalerEvents events, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        Transport transport = Transport.of(settings);
        Keystone keystone = new Keystone(settings, transport, clock);
        Edge edge = new Edge(
                keystone, events == null ? ScalerEvents.NONE : events, settings.maxAttempts(), settings.retryBackoff());
        return new OpenStackCloud(settings, keystone, edge, clock);
    }

    /** Authenticates now (instead of on the first call): a way to check credentials at start-up. */
    public void authenticate() {
        edge.run("authenticate", () -> keystone.token() == null ? null : Boolean.TRUE);
    }

    OpenStackSettings settings() {
        return settings;
    }

    Keystone keystone() {
        return keystone;
    }

    @Override
    public List<Server> listServers(String tag, String namePrefix) {
        // A null tag lists every server (a pair's bootstrap looks up members Terraform made by name alone).
        return edge.run(
                "listServers",
                () -> tagged(
                        keystone.client(),
                        tag,
                        namePrefix == null || namePrefix.isEmpty() ? null : "^" + regexLiteral(namePrefix)));
    }

    @Override
    public Optional<Server> server(String serverId) {
        Objects.requireNonNull(serverId, "serverId");
        return edge.run(
                "server",
                () -> Optional.ofNullable(keystone.client().compute().servers().get(serverId))
                        .map(Mapping::server));
    }

    @Override
    public Optional<Server> findByDecision(String tag, String decisionId) {
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(decisionId, "decisionId");
        return edge.run("findByDecision", () -> byDecision(tagged(keystone.client(), tag, null), decisionId));
    }

    @Override
    public Server createServer(ServerSpec spec) {
        Objects.requireNonNull(spec, "spec");
        String userData = spec.userData() == null
                ? null
                : Base64.getEncoder().encodeToString(spec.userData().getBytes(StandardCharsets.UTF_8));
        if (userData != null && userData.length() > MAX_USER_DATA_BASE64) {
            throw new CloudException(
                    Kind.BAD_REQUEST,
                    "createServer",
                    "user data of server '" + spec.name()
                            + "' is " + userData.length() + " bytes once base64-encoded; Nova accepts at most "
                            + MAX_USER_DATA_BASE64);
        }
        return edge.run("createServer", () -> {
            OSClientV3 c = keystone.client();
            // Look first: a create retried after a crash, a timeout or a lost answer finds its server. The
            // name narrows the listing (Nova cannot filter on metadata); the decision id decides.
            Optional<Server> existing =
                    byDecision(tagged(c, spec.tag(), "^" + regexLiteral(spec.name()) + "$"), spec.decisionId());
            if (existing.isPresent()) {
                LOG.info(
                        "server for decision {} exists already: {} ({})",
                        spec.decisionId(),
                        existing.get().id(),
                        existing.get().status());
                return existing.get();
            }
            ServerCreateBuilder b = Builders.server()
                    .name(spec.name())
                    .image(names.image(c, spec.image()))
                    .flavor(names.flavor(c, spec.flavor()))
                    .addMetadata(spec.metadata());
            if (spec.portId() != null) {
                // The port carries the fixed address and the security groups (Nova ignores groups given here).
                b.addNetworkPort(spec.portId());
            } else {
                b.networks(List.of(names.network(c, spec.network())));
                for (String sg : spec.securityGroups()) {
                    b.addSecurityGroup(sg);
                }
            }
            if (spec.keyPair() != null) {
                b.keypairName(spec.keyPair());
            }
            if (spec.availabilityZone() != null) {
                b.availabilityZone(spec.availabilityZone());
            }
            if (userData != null) {
                b.userData(userData);
            }
            ServerCreate create = b.build();
            org.openstack4j.model.compute.Server booted = c.compute().servers().boot(create);
            if (booted == null || booted.getId() == null) {
                throw new CloudException(
                        Kind.TRANSIENT,
                        "createServer",
                        "Nova accepted server '" + spec.name() + "' without returning its id");
            }
            LOG.info("created server {} '{}' for decision {}", booted.getId(), spec.name(), spec.decisionId());
            return new Server(booted.getId(), spec.name(), ServerStatus.BUILD, spec.metadata(), List.of(), null);
        });
    }

    @Override
    public void deleteServer(String serverId) {
        Objects.requireNonNull(serverId, "serverId");
        edge.run("deleteServer", () -> {
            ActionResponse r = keystone.client().compute().servers().delete(serverId);
            if (r.isSuccess() || r.getCode() == 404) {
                return null;
            }
            throw Errors.fromStatus("deleteServer", r.getCode(), r.getFault());
        });
    }

    @Override
    public Optional<Port> portOf(String serverId, String network) {
        Objects.requireNonNull(serverId, "serverId");
        return edge.run("portOf", () -> {
            OSClientV3 c = keystone.client();
            String networkId = network == null ? null : names.network(c, network);
            List<Port> ports = new ArrayList<>();
            for (org.openstack4j.model.network.Port p :
                    c.networking().port().list(PortListOptions.create().deviceId(serverId))) {
                // Filter here too: a cloud that ignored the filter must not hand out another server's port.
                if (serverId.equals(p.getDeviceId()) && (networkId == null || networkId.equals(p.getNetworkId()))) {
                    ports.add(Mapping.port(p));
                }
            }
            ports.sort(Comparator.comparing(Port::id));
            return ports.stream().findFirst();
        });
    }

    @Override
    public Port ensurePort(String network, String name, List<String> securityGroups) {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(name, "name");
        return edge.run("ensurePort", () -> {
            OSClientV3 c = keystone.client();
            String networkId = names.network(c, network);
            // Look first: a retried call finds the port it made (the name is unique to one new node).
            Optional<Port> existing =
                    c
                            .networking()
                            .port()
                            .list(PortListOptions.create().networkId(networkId).name(name))
                            .stream()
                            .filter(p -> name.equals(p.getName()) && networkId.equals(p.getNetworkId()))
                            .map(Mapping::port)
                            .min(Comparator.comparing(Port::id));
            if (existing.isPresent()) {
                return existing.get();
            }
            var b = Builders.port().name(name).networkId(networkId);
            for (String sg : securityGroups == null ? List.<String>of() : securityGroups) {
                b.securityGroup(names.securityGroup(c, sg));
            }
            org.openstack4j.model.network.Port created = c.networking().port().create(b.build());
            if (created == null || created.getId() == null) {
                throw new CloudException(
                        Kind.TRANSIENT, "ensurePort", "Neutron accepted port '" + name + "' without returning its id");
            }
            LOG.info("created port {} '{}' on network {}", created.getId(), name, networkId);
            return Mapping.port(created);
        });
    }

    @Override
    public void deletePort(String portId) {
        Objects.requireNonNull(portId, "portId");
        edge.run("deletePort", () -> {
            ActionResponse r = keystone.client().networking().port().delete(portId);
            if (r.isSuccess() || r.getCode() == 404) {
                return null;
            }
            throw Errors.fromStatus("deletePort", r.getCode(), r.getFault());
        });
    }

    @Override
    public Optional<FloatingIp> floatingIpByAddress(String address) {
        Objects.requireNonNull(address, "address");
        return edge.run(
                "floatingIpByAddress",
                () -> keystone.client().networking().floatingip().list(Map.of("floating_ip_address", address)).stream()
                        .filter(f -> address.equals(f.getFloatingIpAddress()))
                        .findFirst()
                        .map(Mapping::floatingIp));
    }

    @Override
    public FloatingIp associate(String floatingIpId, String portId) {
        Objects.requireNonNull(floatingIpId, "floatingIpId");
        Objects.requireNonNull(portId, "portId");
        return edge.run("associate", () -> {
            NetFloatingIP current = currentFip("associate", floatingIpId);
            if (portId.equals(current.getPortId())) {
                return Mapping.floatingIp(current);
            }
            NetFloatingIP updated =
                    keystone.client(ifMatch(current)).networking().floatingip().associateToPort(floatingIpId, portId);
            FloatingIp result = Mapping.floatingIp(updated);
            if (!result.isAssociatedTo(portId)) {
                throw new CloudException(
                        Kind.CONFLICT,
                        "associate",
                        "floating IP " + floatingIpId + " points at port " + result.portId() + " after the update to "
                                + portId);
            }
            LOG.info(
                    "floating IP {} ({}) moved from port {} to {}",
                    result.address(),
                    floatingIpId,
                    current.getPortId(),
                    portId);
            return result;
        });
    }

    @Override
    public FloatingIp move(String floatingIpId, String toPortId, FloatingIpSource expected, Guard guard) {
        Objects.requireNonNull(floatingIpId, "floatingIpId");
        Objects.requireNonNull(toPortId, "toPortId");
        Objects.requireNonNull(expected, "expected");
        return edge.run("associate", guard, () -> {
            NetFloatingIP current = currentFip("associate", floatingIpId);
            if (toPortId.equals(current.getPortId())) {
                return Mapping.floatingIp(current); // done, by an earlier try whose answer was lost
            }
            FloatingIp seen = Mapping.floatingIp(current);
            if (!expected.matches(seen)) {
                throw stale(floatingIpId, seen, expected);
            }
            // The committed revision, not the one just read: If-Match then also covers the gap since the decision.
            Map<String, String> h = expected.revision() < 0 || !neutron.revisionIfMatch()
                    ? null
                    : Map.of("If-Match", "revision_number=" + expected.revision());
            NetFloatingIP updated;
            try {
                updated = keystone.client(h).networking().floatingip().associateToPort(floatingIpId, toPortId);
            } catch (RuntimeException e) {
                CloudException ce = Errors.classify("associate", e);
                if (ce.kind() == Kind.CONFLICT && h != null) {
                    throw new CloudException(
                            Kind.STALE,
                            "associate",
                            "floating IP " + floatingIpId + " changed since the decision (expected " + expected + "): "
                                    + ce.getMessage(),
                            ce);
                }
                throw ce;
            }
            FloatingIp result = Mapping.floatingIp(updated);
            if (!result.isAssociatedTo(toPortId)) {
                throw new CloudException(
                        Kind.CONFLICT,
                        "associate",
                        "floating IP " + floatingIpId + " points at port " + result.portId() + " after the update to "
                                + toPortId);
            }
            LOG.info(
                    "floating IP {} ({}) moved from port {} to {} (expected {})",
                    result.address(),
                    floatingIpId,
                    current.getPortId(),
                    toPortId,
                    expected);
            return result;
        });
    }

    private static CloudException stale(String floatingIpId, FloatingIp seen, FloatingIpSource expected) {
        return new CloudException(
                Kind.STALE,
                "associate",
                "floating IP " + floatingIpId + " is on " + FloatingIpSource.of(seen) + ", the decision expected "
                        + expected + ": not moved");
    }

    @Override
    public FloatingIp disassociate(String floatingIpId) {
        Objects.requireNonNull(floatingIpId, "floatingIpId");
        return edge.run("disassociate", () -> {
            NetFloatingIP current = currentFip("disassociate", floatingIpId);
            if (current.getPortId() == null) {
                return Mapping.floatingIp(current);
            }
            NetFloatingIP updated =
                    keystone.client(ifMatch(current)).networking().floatingip().disassociateFromPort(floatingIpId);
            FloatingIp result = Mapping.floatingIp(updated);
            if (result.portId() != null) {
                throw new CloudException(
                        Kind.CONFLICT,
                        "disassociate",
                        "floating IP " + floatingIpId + " still points at port " + result.portId());
            }
            LOG.info("floating IP {} ({}) detached from port {}", result.address(), floatingIpId, current.getPortId());
            return result;
        });
    }

    /**
     * Points the floating IP at {@code portId} only if its revision is still {@code revision}: a cloud offering
     * If-Match refuses a stale one (412, CONFLICT). Used by the contract suite to prove the guard is sent.
     */
    FloatingIp associateAtRevision(String floatingIpId, String portId, long revision) {
        return edge.run("associate", () -> {
            Map<String, String> h = new HashMap<>();
            h.put("If-Match", "revision_number=" + revision);
            return Mapping.floatingIp(
                    keystone.client(h).networking().floatingip().associateToPort(floatingIpId, portId));
        });
    }

    /** Whether floating-IP updates are guarded with {@code If-Match: revision_number=N} on this cloud. */
    boolean usesRevisionIfMatch() {
        return edge.run("extensions", neutron::revisionIfMatch);
    }

    // ---- used by the contract suite to set up and clean up; not part of the port ----

    FloatingIp allocateFloatingIp(String floatingNetwork) {
        return edge.run("allocateFloatingIp", () -> {
            OSClientV3 c = keystone.client();
            NetFloatingIP f = c.networking()
                    .floatingip()
                    .create(Builders.netFloatingIP()
                            .floatingNetworkId(names.network(c, floatingNetwork))
                            .build());
            return Mapping.floatingIp(f);
        });
    }

    void releaseFloatingIp(String floatingIpId) {
        edge.run("releaseFloatingIp", () -> {
            ActionResponse r = keystone.client().networking().floatingip().delete(floatingIpId);
            if (r.isSuccess() || r.getCode() == 404) {
                return null;
            }
            throw Errors.fromStatus("releaseFloatingIp", r.getCode(), r.getFault());
        });
    }

    private NetFloatingIP currentFip(String operation, String floatingIpId) {
        NetFloatingIP f = keystone.client().networking().floatingip().get(floatingIpId);
        if (f == null) {
            throw new CloudException(Kind.NOT_FOUND, operation, "floating IP " + floatingIpId + " not found");
        }
        return f;
    }

    private Map<String, String> ifMatch(NetFloatingIP current) {
        if (current.getRevisionNumber() == null || !neutron.revisionIfMatch()) {
            return null;
        }
        Map<String, String> h = new HashMap<>();
        h.put("If-Match", "revision_number=" + current.getRevisionNumber());
        return h;
    }

    /** Servers carrying {@code tag} (every server when it is null) whose name matches {@code nameRegex}. */
    private static List<Server> tagged(OSClientV3 c, String tag, String nameRegex) {
        Map<String, String> filter = nameRegex == null ? Map.of() : Map.of("name", nameRegex);
        List<Server> out = new ArrayList<>();
        for (org.openstack4j.model.compute.Server s : c.compute().servers().list(filter)) {
            if (tag == null
                    || (s.getMetadata() != null && tag.equals(s.getMetadata().get(ServerMetadata.TAG)))) {
                out.add(Mapping.server(s));
            }
        }
        return out;
    }

    /** The server of a decision; if a bug ever made two, the oldest live one (the other is an orphan). */
    private static Optional<Server> byDecision(List<Server> servers, String decisionId) {
        return servers.stream()
                .filter(s -> decisionId.equals(s.metadata().get(ServerMetadata.DECISION)))
                .filter(s -> s.status() != ServerStatus.DELETED)
                .min(Comparator.comparing((Server s) -> s.created() == null ? Instant.MAX : s.created())
                        .thenComparing(Server::id));
    }

    /** Nova's name filter is a regular expression (evaluated by the database): escape the literal part. */
    static String regexLiteral(String s) {
        return REGEX_SPECIAL.matcher(s).replaceAll("\\\\$0");
    }
}
