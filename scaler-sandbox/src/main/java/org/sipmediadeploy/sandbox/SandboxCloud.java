package org.sipmediadeploy.sandbox;

import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.sipmediadeploy.sandbox.Resources.FipRec;
import org.sipmediadeploy.sandbox.Resources.Flavor;
import org.sipmediadeploy.sandbox.Resources.Image;
import org.sipmediadeploy.sandbox.Resources.Network;
import org.sipmediadeploy.sandbox.Resources.PortRec;
import org.sipmediadeploy.sandbox.Resources.SecurityGroup;
import org.sipmediadeploy.sandbox.Resources.ServerRec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud's state and what it does to the machine: servers with their instances and NIC forwarders, ports,
 * floating IPs with their forwarders. All state is guarded by this object's monitor; API handlers render
 * resources while holding it. Slow side effects (stopping a process) run on the lifecycle executor.
 */
final class SandboxCloud implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxCloud.class);

    final SandboxConfig config;
    final Clock clock;
    final EventLog events;
    final String projectId;
    final String routerId = UUID.randomUUID().toString();
    private final EventLoopGroup dataGroup;
    private final ScheduledExecutorService lifecycle;
    private final Path workDir;

    final Map<String, Network> networks = new LinkedHashMap<>();
    final Map<String, Image> images = new LinkedHashMap<>();
    final Map<String, Flavor> flavors = new LinkedHashMap<>();
    final Map<String, SecurityGroup> securityGroups = new LinkedHashMap<>();
    final Map<String, ServerRec> servers = new LinkedHashMap<>();
    final Map<String, PortRec> ports = new LinkedHashMap<>();
    final Map<String, FipRec> floatingIps = new LinkedHashMap<>();
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, Forwarder> fipForwarders = new LinkedHashMap<>();
    private final Set<Integer> usedFixed = new HashSet<>();
    private final Set<Integer> usedFloating = new HashSet<>();
    private int nextFixed = 2;
    private int nextFloating = 2;
    private int instanceCounter;
    private boolean closed;
    /** The role-rendered kamailio.cfg / turnserver.conf, or empty where the built-in fallback runs. */
    private final Optional<RoleConfig> kamailioRole;

    private final Optional<RoleConfig> coturnRole;

    /** What runs for one server: its instance and the NIC forwarder in front of it. */
    private record Node(Instance instance, Forwarder nic) {}

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
        this.projectId = projectId;
        this.dataGroup = dataGroup;
        this.lifecycle = lifecycle;
        this.workDir = workDir;
        Optional<Path> repo =
                config.processes() == SandboxConfig.Processes.AUTO ? RoleConfig.locateRepo() : Optional.empty();
        this.kamailioRole = roleConfig(config, repo, "Kamailio", ProcessInstance.KAMAILIO, RoleConfig::kamailio);
        this.coturnRole = roleConfig(
                config,
                repo,
                "Coturn",
                ProcessInstance.TURNSERVER,
                r -> RoleConfig.coturn(
                        r, config.turnUser(), config.turnPassword().reveal(), config.turnRealm()));
        Instant now = clock.instant();
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

    private static Optional<RoleConfig> roleConfig(
            SandboxConfig config,
            Optional<Path> repo,
            String what,
            Path binary,
            java.util.function.Function<Path, RoleConfig> of) {
        if (config.processes() != SandboxConfig.Processes.AUTO) {
            return Optional.empty();
        }
        if (!Files.isExecutable(binary)) {
            LOG.warn(
                    "{} is not installed: {} servers run the built-in responder (a fallback, not the deploy kit's "
                            + "configuration)",
                    binary,
                    what);
            return Optional.empty();
        }
        if (repo.isEmpty()) {
            LOG.warn(
                    "the deploy kit's roles ({}) were not found from {} (set -Dsandbox.repo): {} servers run the "
                            + "built-in responder (a fallback)",
                    RoleConfig.KAMAILIO_RENDERER,
                    Path.of("").toAbsolutePath(),
                    what);
            return Optional.empty();
        }
        return Optional.of(of.apply(repo.get()));
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

    // ---------------------------------------------------------------- lookups

    Network network(String idOrName) {
        Network n = networks.get(idOrName);
        if (n != null) {
            return n;
        }
        return networks.values().stream()
                .filter(x -> x.name().equals(idOrName))
                .findFirst()
                .orElse(null);
    }

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

    Flavor flavorByName(String name) {
        return flavors.values().stream()
                .filter(f -> f.name().equals(name))
                .findFirst()
                .orElse(null);
    }

    List<PortRec> portsOf(String serverId) {
        return ports.values().stream().filter(p -> serverId.equals(p.deviceId)).toList();
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

    // ---------------------------------------------------------------- servers

    /** A network request of a server create: a network id, or an existing port, optionally a fixed IP. */
    record NetworkRequest(String networkId, String portId, String fixedIp) {}

    synchronized ServerRec createServer(
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
        requireOpen();
        Image image = images.get(imageId);
        if (image == null) {
            throw new ApiException(Errors.nova(400, "Can not find requested image"));
        }
        if (!flavors.containsKey(flavorId)) {
            throw new ApiException(Errors.nova(400, "Flavor " + flavorId + " could not be found."));
        }
        for (String g : groups) {
            if (securityGroups.values().stream().noneMatch(s -> s.name().equals(g) || s.id().equals(g))) {
                throw new ApiException(
                        Errors.nova(400, "Security group " + g + " not found for project " + projectId + "."));
            }
        }
        List<NetworkRequest> requested =
                nets.isEmpty() ? List.of(new NetworkRequest(tenantNetwork().id(), null, null)) : nets;
        for (NetworkRequest r : requested) {
            if (r.portId() != null) {
                PortRec p = ports.get(r.portId());
                if (p == null) {
                    throw new ApiException(Errors.nova(400, "Port " + r.portId() + " could not be found."));
                }
                if (!p.deviceId.isEmpty()) {
                    throw new ApiException(Errors.nova(409, "Port " + r.portId() + " is still in use."));
                }
            } else if (!networks.containsKey(r.networkId())
                    || networks.get(r.networkId()).external()) {
                throw new ApiException(Errors.nova(400, "Network " + r.networkId() + " could not be found."));
            }
        }
        long active = servers.values().stream().filter(s -> !s.deleting).count();
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
        s.projectId = projectId;
        s.metadata.putAll(metadata);
        s.userData = userData;
        s.keyName = keyName;
        s.securityGroups.addAll(groups.isEmpty() ? List.of("default") : groups);
        s.created = now;
        s.updated = now;
        s.reservationId = "r-"
                + Long.toString(UUID.randomUUID().getMostSignificantBits() & Long.MAX_VALUE, 36)
                        .substring(0, 8);
        s.adminPass = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        servers.put(s.id, s);
        for (NetworkRequest r : requested) {
            PortRec p =
                    r.portId() != null ? ports.get(r.portId()) : newPort(networks.get(r.networkId()), "", r.fixedIp());
            p.deviceId = s.id;
            p.deviceOwner = "compute:nova";
            p.updated = now;
            p.revision++;
            s.portIds.add(p.id);
        }
        String imageName = image.name();
        if (imageName.toLowerCase(Locale.ROOT).contains("kamailio")) {
            // Started in the background: whoever needs the role awaits the same future and sees its failure.
            kamailioRole.ifPresent(r -> {
                var unused = r.start();
            });
        } else if (imageName.toLowerCase(Locale.ROOT).contains("coturn")) {
            coturnRole.ifPresent(r -> {
                var unused = r.start();
            });
        }
        boolean fail = noValidHost;
        var unused = lifecycle.schedule(
                () -> boot(s.id, imageName, fail), config.bootDelay().toMillis(), TimeUnit.MILLISECONDS);
        return s;
    }

    private void boot(String serverId, String imageName, boolean noValidHost) {
        ServerRec s;
        PortRec port;
        synchronized (this) {
            s = servers.get(serverId);
            if (closed || s == null || s.deleting) {
                return;
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
                return;
            }
            port = s.portIds.isEmpty() ? null : ports.get(s.portIds.get(0));
        }
        Node node = null;
        String error = null;
        if (port != null) {
            try {
                node = startNode(s, imageName, port);
            } catch (RuntimeException e) {
                error = e.getMessage();
                LOG.warn("server {} failed to boot: {}", serverId, e.toString());
            }
        }
        synchronized (this) {
            Instant now = clock.instant();
            if (closed || s.deleting || !servers.containsKey(serverId)) {
                if (node != null) {
                    stopNode(node);
                }
                return;
            }
            if (error != null) {
                s.status = "ERROR";
                s.vmState = "error";
                s.taskState = null;
                s.fault = Json.obj(
                        "code",
                        500,
                        "created",
                        Json.seconds(now),
                        "message",
                        "Build of instance " + serverId + " aborted: " + error);
                events.record("server.error", Caller.SANDBOX, serverId, 0, error, Map.of("name", s.name));
                return;
            }
            if (node != null) {
                nodes.put(serverId, node);
                s.instanceKind = node.instance().kind();
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
                PortRec p = ports.get(pid);
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
                            node == null ? "none" : node.instance().kind()));
        }
    }

    private Node startNode(ServerRec s, String imageName, PortRec port) {
        InetAddress host = address(port.hostIp);
        InetAddress fixed = address(port.fixedIp);
        Path dir = workDir.resolve(s.id);
        String image = imageName.toLowerCase(Locale.ROOT);
        boolean real = config.processes() == SandboxConfig.Processes.AUTO;
        Instance instance;
        if (image.contains("scaler") && config.scalerVm() != null) {
            instance = ScalerVmInstance.create(dir, config.scalerVm(), s.userData, port.fixedIp);
        } else if (real && image.contains("kamailio") && kamailioRole.isPresent()) {
            instance = ProcessInstance.kamailio(
                    dir, port.hostIp, s.name, kamailioRole.get().config());
        } else if (real && image.contains("coturn") && coturnRole.isPresent()) {
            instance = ProcessInstance.coturn(dir, port.hostIp, coturnRole.get().config());
        } else {
            instance = new BuiltinInstance(dataGroup, host, s.name, config.gatewaysPerHost());
        }
        Forwarder nic = new Forwarder("nic " + port.fixedIp, dataGroup, fixed, instance.ports(), host);
        try {
            nic.start();
            instance.start();
        } catch (RuntimeException e) {
            nic.close();
            instance.close();
            throw e;
        }
        return new Node(instance, nic);
    }

    private static void stopNode(Node node) {
        node.nic().close();
        node.instance().close();
    }

    synchronized void deleteServer(Caller caller, String id) {
        requireOpen();
        ServerRec s = servers.get(id);
        if (s == null || s.deleting) {
            throw new ApiException(Errors.nova(404, "Instance " + id + " could not be found."));
        }
        s.deleting = true;
        s.taskState = "deleting";
        s.updated = clock.instant();
        Node node = nodes.remove(id);
        if (node != null) {
            lifecycle.execute(() -> stopNode(node));
        }
        var unused =
                lifecycle.schedule(() -> finishDelete(id), config.deleteDelay().toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void finishDelete(String id) {
        ServerRec s = servers.remove(id);
        if (s == null) {
            return;
        }
        for (String pid : s.portIds) {
            PortRec p = ports.get(pid);
            if (p == null) {
                continue;
            }
            // Nova deletes the ports it created; Neutron disassociates their floating IPs.
            removePort(Caller.SANDBOX, p);
        }
        events.record("server.deleted", Caller.SANDBOX, id, 0, "ok", Map.of("name", s.name));
    }

    // ---------------------------------------------------------------- ports

    synchronized PortRec createPort(Caller caller, String networkId, String name, String fixedIp) {
        requireOpen();
        Network net = networks.get(networkId);
        if (net == null) {
            throw new ApiException(
                    Errors.neutron(404, "NetworkNotFound", "Network " + networkId + " could not be found."));
        }
        PortRec p = newPort(net, name == null ? "" : name, fixedIp);
        events.record("port.create", caller, p.id, 201, "ok", Map.of("fixed_ip", p.fixedIp));
        return p;
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
            if (usedFixed.contains(ordinal)) {
                throw new ApiException(Errors.neutron(
                        409,
                        "IpAddressAlreadyAllocated",
                        "IP address " + fixedIp + " already allocated in subnet " + net.subnetId()));
            }
        } else {
            ordinal = allocate(usedFixed, true);
        }
        usedFixed.add(ordinal);
        Instant now = clock.instant();
        PortRec p = new PortRec();
        p.id = UUID.randomUUID().toString();
        p.name = name;
        p.networkId = net.id();
        p.subnetId = net.subnetId();
        p.projectId = projectId;
        p.mac = String.format(
                Locale.ROOT,
                "fa:16:3e:%02x:%02x:%02x",
                (ordinal >> 16) & 0xff,
                (usedFixed.size() * 7) & 0xff,
                ordinal & 0xff);
        p.fixedIp = net.prefix() + ordinal;
        p.hostIp = config.hostPrefix() + ordinal;
        p.created = now;
        p.updated = now;
        securityGroups.values().stream()
                .filter(g -> g.name().equals("default"))
                .findFirst()
                .ifPresent(g -> p.securityGroupIds.add(g.id()));
        ports.put(p.id, p);
        return p;
    }

    private int allocate(Set<Integer> used, boolean fixed) {
        for (int i = 0; i < 253; i++) {
            int candidate = fixed ? nextFixed : nextFloating;
            int next = candidate >= 254 ? 2 : candidate + 1;
            if (fixed) {
                nextFixed = next;
            } else {
                nextFloating = next;
            }
            if (!used.contains(candidate)) {
                return candidate;
            }
        }
        throw new ApiException(
                Errors.neutron(409, "IpAddressGenerationFailure", "No more IP addresses available on network."));
    }

    synchronized void deletePort(Caller caller, String id) {
        requireOpen();
        PortRec p = ports.get(id);
        if (p == null) {
            throw new ApiException(Errors.neutron(404, "PortNotFound", "Port " + id + " could not be found."));
        }
        if (p.deviceOwner.startsWith("compute:") && servers.containsKey(p.deviceId)) {
            throw new ApiException(Errors.neutron(
                    409,
                    "PortInUse",
                    "Port " + id + " cannot be deleted directly via the port API: has device owner compute:nova."));
        }
        removePort(caller, p);
    }

    private void removePort(Caller caller, PortRec p) {
        FipRec f = fipOfPort(p.id);
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
        ports.remove(p.id);
        if (p.fixedIp.startsWith(config.fixedPrefix())) {
            usedFixed.remove(
                    Integer.parseInt(p.fixedIp.substring(config.fixedPrefix().length())));
        }
        events.record("port.delete", caller, p.id, 0, "ok", Map.of("fixed_ip", p.fixedIp));
    }

    // ---------------------------------------------------------------- floating IPs

    synchronized FipRec createFloatingIp(
            Caller caller, String networkId, String address, String portId, String description) {
        requireOpen();
        Network net = networks.get(networkId);
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
        if (floatingIps.size() >= config.maxFloatingIps()) {
            throw new ApiException(Errors.neutron(409, "OverQuota", "Quota exceeded for resources: ['floatingip']."));
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
            if (usedFloating.contains(ordinal)) {
                throw new ApiException(Errors.neutron(
                        409,
                        "IpAddressAlreadyAllocated",
                        "IP address " + address + " already allocated in subnet " + net.subnetId()));
            }
        } else {
            ordinal = allocate(usedFloating, false);
        }
        PortRec port = null;
        if (portId != null) {
            port = ports.get(portId);
            if (port == null) {
                throw new ApiException(Errors.neutron(404, "PortNotFound", "Port " + portId + " could not be found."));
            }
        }
        Instant now = clock.instant();
        FipRec f = new FipRec();
        f.id = UUID.randomUUID().toString();
        f.address = net.prefix() + ordinal;
        f.floatingNetworkId = net.id();
        f.projectId = projectId;
        f.description = description == null ? "" : description;
        f.created = now;
        f.updated = now;
        if (port != null) {
            checkPortFree(f, port);
        }
        Forwarder fwd = new Forwarder("fip " + f.address, dataGroup, address(f.address), config.forwardedPorts(), null);
        fwd.start();
        usedFloating.add(ordinal);
        floatingIps.put(f.id, f);
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
    }

    private void checkPortFree(FipRec f, PortRec port) {
        FipRec other = fipOfPort(port.id);
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
    synchronized FipRec updateFloatingIp(
            Caller caller, String id, boolean portGiven, String portId, String description, long ifMatch) {
        requireOpen();
        FipRec f = floatingIps.get(id);
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
                port = ports.get(portId);
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
    }

    /** Points a floating IP (record and forwarder) at {@code port}, or nowhere; bumps the revision. */
    private void setAssociation(FipRec f, PortRec port) {
        f.portId = port == null ? null : port.id;
        f.fixedIp = port == null ? null : port.fixedIp;
        f.routerId = port == null ? null : routerId;
        f.revision++;
        f.updated = clock.instant();
        Forwarder fwd = fipForwarders.get(f.id);
        if (fwd != null) {
            fwd.retarget(port == null ? null : address(port.fixedIp));
        }
    }

    synchronized void deleteFloatingIp(Caller caller, String id) {
        requireOpen();
        FipRec f = floatingIps.remove(id);
        if (f == null) {
            throw new ApiException(
                    Errors.neutron(404, "FloatingIPNotFound", "Floating IP " + id + " could not be found"));
        }
        Forwarder fwd = fipForwarders.remove(id);
        if (fwd != null) {
            fwd.close();
        }
        usedFloating.remove(
                Integer.parseInt(f.address.substring(config.floatingPrefix().length())));
        events.record("floatingip.delete", caller, id, 204, "ok", Map.of("address", f.address));
    }

    String floatingStatus(FipRec f) {
        // This sandbox has a working "L3 agent": an associated floating IP forwards, so it is ACTIVE.
        return f.portId == null ? "DOWN" : "ACTIVE";
    }

    // ---------------------------------------------------------------- instance faults

    synchronized Instance instance(String serverId) {
        Node n = nodes.get(serverId);
        if (n == null) {
            throw new IllegalArgumentException("no running instance for server " + serverId);
        }
        return n.instance();
    }

    synchronized Forwarder nic(String serverId) {
        Node n = nodes.get(serverId);
        if (n == null) {
            throw new IllegalArgumentException("no running instance for server " + serverId);
        }
        return n.nic();
    }

    synchronized Collection<String> runningServerIds() {
        return List.copyOf(nodes.keySet());
    }

    synchronized String fixedAddress(String serverId) {
        ServerRec s = servers.get(serverId);
        if (s == null || s.portIds.isEmpty()) {
            throw new IllegalArgumentException("unknown server " + serverId);
        }
        return ports.get(s.portIds.get(0)).fixedIp;
    }

    synchronized String floatingTarget(String address) {
        return floatingIps.values().stream()
                .filter(f -> f.address.equals(address))
                .findFirst()
                .map(f -> f.fixedIp)
                .orElse(null);
    }

    synchronized void shutoff(String serverId) {
        ServerRec s = servers.get(serverId);
        Node n = nodes.remove(serverId);
        if (s == null) {
            throw new IllegalArgumentException("unknown server " + serverId);
        }
        s.status = "SHUTOFF";
        s.vmState = "stopped";
        s.powerState = 4;
        s.updated = clock.instant();
        if (n != null) {
            lifecycle.execute(() -> stopNode(n));
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new ApiException(Errors.nova(503, "The sandbox is shutting down."));
        }
    }

    static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + ip, e);
        }
    }

    @Override
    public void close() {
        List<Node> toStop;
        List<Forwarder> fwds;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toStop = new ArrayList<>(nodes.values());
            nodes.clear();
            fwds = new ArrayList<>(fipForwarders.values());
            fipForwarders.clear();
        }
        for (Forwarder f : fwds) {
            f.close();
        }
        // Stop processes in parallel: each Kamailio takes about 1.6 s to honour SIGTERM.
        List<Thread> stoppers = new ArrayList<>();
        for (Node n : toStop) {
            Thread t = new Thread(() -> stopNode(n), "sandbox-stop");
            t.start();
            stoppers.add(t);
        }
        for (Thread t : stoppers) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
