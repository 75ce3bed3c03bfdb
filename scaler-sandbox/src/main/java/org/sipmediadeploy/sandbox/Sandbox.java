package org.sipmediadeploy.sandbox;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.sipmediadeploy.core.model.ServerMetadata;
import org.sipmediadeploy.sandbox.Resources.FipRec;
import org.sipmediadeploy.sandbox.Resources.PortRec;
import org.sipmediadeploy.sandbox.Resources.ServerRec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local OpenStack in one JVM: Keystone v3, Nova, Neutron and Glance on one HTTP port, servers that are real
 * local processes (or built-in responders) on their own loopback addresses, floating IPs that really forward,
 * fault injection, and an event log. Start with {@link #start(SandboxConfig)}; {@link #close()} (also run by a
 * shutdown hook) stops every process and socket it started.
 */
public final class Sandbox implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);

    private final SandboxConfig config;
    private final EventLoopGroup httpGroup;
    private final EventLoopGroup dataGroup;
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private final ScheduledExecutorService lifecycle;
    private final EventLog events;
    private final ApiFaults apiFaults;
    private final Path workDir;
    private final boolean ownWorkDir;
    private final Thread shutdownHook;
    private SandboxCloud cloud;
    private Keystone keystone;
    private HttpFront front;
    private int port;
    private boolean closed;

    private Sandbox(SandboxConfig config) {
        this.config = config;
        this.httpGroup = new MultiThreadIoEventLoopGroup(1, daemon("sandbox-http"), NioIoHandler.newFactory());
        this.dataGroup = new MultiThreadIoEventLoopGroup(2, daemon("sandbox-net"), NioIoHandler.newFactory());
        this.workers = Executors.newFixedThreadPool(16, daemon("sandbox-api"));
        this.timers = Executors.newScheduledThreadPool(2, daemon("sandbox-timer"));
        this.lifecycle = Executors.newScheduledThreadPool(2, daemon("sandbox-lifecycle"));
        this.events = new EventLog(Clock.systemUTC(), config.eventLogFile());
        this.apiFaults = new ApiFaults(config.seed());
        try {
            this.ownWorkDir = config.workDir() == null;
            this.workDir = ownWorkDir ? Files.createTempDirectory("sandbox-") : config.workDir();
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.shutdownHook = new Thread(this::close, "sandbox-shutdown");
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Starts a sandbox: binds the API port; servers start when created. */
    public static Sandbox start(SandboxConfig config) {
        Sandbox s = new Sandbox(config);
        try {
            s.startInternal();
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void startInternal() {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        int orphans = ProcessRegistry.sweepOrphans();
        if (orphans > 0) {
            LOG.warn("stopped {} process groups left by a sandbox whose JVM was killed", orphans);
        }
        // The catalog names the port, so a free one is chosen before the services are built.
        String host = config.bindHost();
        port = config.apiPort();
        if (port == 0) {
            port = freePort(host);
        }
        String baseUrl = "http://" + host + ":" + port;
        keystone = new Keystone(config, Clock.systemUTC(), baseUrl);
        String projectId = Keystone.projectId(
                config.users().isEmpty() ? "admin" : config.users().get(0).project());
        cloud = new SandboxCloud(config, Clock.systemUTC(), events, projectId, dataGroup, lifecycle, workDir);
        front = new HttpFront(
                keystone,
                new Nova(cloud, baseUrl),
                new Neutron(cloud, baseUrl),
                new Glance(cloud, baseUrl),
                new Control(this),
                apiFaults,
                events,
                workers,
                timers);
        front.start(httpGroup, host, port);
        LOG.info("sandbox up: keystone {}", keystoneUrl());
        events.record("sandbox.start", Caller.SANDBOX, keystoneUrl(), 0, "ok", Map.of());
    }

    private static int freePort(String host) {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress(host, 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public SandboxConfig config() {
        return config;
    }

    public int apiPort() {
        return port;
    }

    /** {@code http://HOST:PORT/v3}: what a client gives openstack4j's {@code endpoint(...)}. */
    public String keystoneUrl() {
        return "http://" + config.bindHost() + ":" + port + "/v3";
    }

    public String controlUrl() {
        return "http://" + config.bindHost() + ":" + port + HttpFront.CONTROL;
    }

    public EventLog events() {
        return events;
    }

    public ApiFaults apiFaults() {
        return apiFaults;
    }

    /** A valid token of the first configured user (for raw HTTP in tests). */
    public String adminToken() {
        return keystone.issue(config.users().get(0)).id();
    }

    // ---------------------------------------------------------------- instance faults (Java API)

    public void kill(String serverId) {
        Instance i = cloud.instance(serverId);
        i.kill();
        events.record(
                "fault.instance", Caller.CONTROL, serverId, 0, "ok", Map.of("action", "kill", "instance", i.kind()));
    }

    public void freeze(String serverId) {
        Instance i = cloud.instance(serverId);
        i.freeze();
        events.record(
                "fault.instance", Caller.CONTROL, serverId, 0, "ok", Map.of("action", "freeze", "instance", i.kind()));
    }

    public void resume(String serverId) {
        Instance i = cloud.instance(serverId);
        i.resume();
        events.record(
                "fault.instance", Caller.CONTROL, serverId, 0, "ok", Map.of("action", "resume", "instance", i.kind()));
    }

    /** Starts a killed instance again (a service restart inside the VM). */
    public void restart(String serverId) {
        Instance i = cloud.instance(serverId);
        if (i.alive()) {
            i.close();
        }
        i.start();
        events.record(
                "fault.instance", Caller.CONTROL, serverId, 0, "ok", Map.of("action", "restart", "instance", i.kind()));
    }

    /** Powers the server off: its instance stops and Nova reports SHUTOFF. */
    public void shutoff(String serverId) {
        cloud.shutoff(serverId);
        events.record("fault.instance", Caller.CONTROL, serverId, 0, "ok", Map.of("action", "shutoff"));
    }

    /** Drops, rejects or restores all traffic to the server's fixed address (direct and through floating IPs). */
    public void traffic(String serverId, TrafficMode mode) {
        cloud.nic(serverId).mode(mode);
        events.record(
                "fault.instance",
                Caller.CONTROL,
                serverId,
                0,
                "ok",
                Map.of("action", "traffic-" + mode.name().toLowerCase(java.util.Locale.ROOT)));
    }

    public TrafficMode traffic(String serverId) {
        return cloud.nic(serverId).mode();
    }

    /**
     * Drops (DROP), rejects (REJECT: TCP reset; UDP dropped) or restores (NORMAL) the traffic that {@code source}
     * sends to the server's fixed address, and only that path: other sources, e.g. the other scaler nodes or the
     * floating IP, still get through. NORMAL restores the path completely (a loss set on it goes too).
     */
    public void pathTraffic(String serverId, String source, TrafficMode mode) {
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

    /**
     * Random loss on the path {@code source} → server: each UDP datagram from {@code source} to the server's fixed
     * address is lost with probability {@code rate} (0 removes the fault), drawn from a generator seeded with
     * {@code seed} so a run can be replayed. TCP from that source is not affected (it would retransmit).
     */
    public void pathLoss(String serverId, String source, double rate, long seed) {
        cloud.nic(serverId).sourceFault(loopbackSource(source), TrafficMode.NORMAL, rate, seed);
        events.record(
                "fault.path",
                Caller.CONTROL,
                serverId,
                0,
                "ok",
                Map.of("source", source, "action", "loss", "rate", Double.toString(rate), "seed", Long.toString(seed)));
    }

    /** The faults on paths to the server, {@code source -> "MODE loss=R"}. */
    public Map<String, String> pathFaults(String serverId) {
        return cloud.nic(serverId).sourceFaults();
    }

    /** Removes every path fault of every running server. */
    public void clearPathFaults() {
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

    /** The PID of the server's process (Kamailio, turnserver); empty for built-in responders. */
    public OptionalLong pid(String serverId) {
        return cloud.instance(serverId).pid();
    }

    public boolean instanceAlive(String serverId) {
        return cloud.instance(serverId).alive();
    }

    public boolean instanceFrozen(String serverId) {
        return cloud.instance(serverId).frozen();
    }

    /** The directory that stands for the VM's {@code /} of a scaler VM (its written files, its daemon's output). */
    public Path vmRoot(String serverId) {
        Instance i = cloud.instance(serverId);
        if (i instanceof ScalerVmInstance v) {
            return v.root();
        }
        throw new IllegalArgumentException("server " + serverId + " runs " + i.kind() + ", not a scaler VM");
    }

    /** kamailio, coturn, scaler or builtin; throws when the server has no running instance (yet). */
    public String instanceKind(String serverId) {
        return cloud.instance(serverId).kind();
    }

    public boolean hasInstance(String serverId) {
        return cloud.runningServerIds().contains(serverId);
    }

    public String fixedAddress(String serverId) {
        return cloud.fixedAddress(serverId);
    }

    /** The loopback address the server's processes listen on (behind its fixed address). */
    public String hostAddress(String serverId) {
        String fixed = cloud.fixedAddress(serverId);
        return config.hostPrefix() + fixed.substring(config.fixedPrefix().length());
    }

    /** The fixed address a floating address forwards to now, or null. */
    public String floatingTarget(String floatingAddress) {
        return cloud.floatingTarget(floatingAddress);
    }

    // ---------------------------------------------------------------- gateway calls

    private BuiltinInstance gateway(String serverId) {
        Instance i = cloud.instance(serverId);
        if (i instanceof BuiltinInstance b) {
            return b;
        }
        throw new IllegalArgumentException("server " + serverId + " runs " + i.kind() + ", not a gateway host");
    }

    /** Starts a simulated call on a gateway host: one idle gateway fewer; false when none is idle. */
    public boolean startCall(String serverId) {
        boolean ok = gateway(serverId).startCall();
        events.record(
                "gateway.call.start",
                Caller.CONTROL,
                serverId,
                0,
                ok ? "ok" : "no idle gateway",
                Map.of("idle", Integer.toString(gateway(serverId).idle())));
        return ok;
    }

    public boolean endCall(String serverId) {
        boolean ok = gateway(serverId).endCall();
        events.record(
                "gateway.call.end",
                Caller.CONTROL,
                serverId,
                0,
                ok ? "ok" : "no busy gateway",
                Map.of("idle", Integer.toString(gateway(serverId).idle())));
        return ok;
    }

    public int idleGateways(String serverId) {
        return gateway(serverId).idle();
    }

    public void canBeTerminated(String serverId, boolean value) {
        gateway(serverId).canBeTerminated(value);
    }

    // ---------------------------------------------------------------- demo set-up

    /** A pre-created service pair: two servers, their ports, and a floating IP on the first one. */
    public record Pair(
            String name,
            String serverA,
            String serverB,
            String portA,
            String portB,
            String fixedA,
            String fixedB,
            String floatingIpId,
            String floatingAddress) {}

    /**
     * Creates a pair as Terraform would for the demo: servers {@code NAME-a} and {@code NAME-b} from
     * {@code image} on tenant-net (metadata: tag, group NAME, role, a decision id), and a floating IP associated
     * with {@code NAME-a}'s port. Returns without waiting for ACTIVE.
     */
    // The cloud is set once at start, before any caller; SandboxCloud's synchronized methods share its monitor.
    @SuppressWarnings("SynchronizeOnNonFinalField")
    public Pair createPair(String name, String image, String tag) {
        String imageId;
        String flavorId;
        synchronized (cloud) {
            var img = cloud.imageByName(image);
            if (img == null) {
                throw new IllegalArgumentException("no image named " + image);
            }
            imageId = img.id();
            flavorId = cloud.flavors.keySet().iterator().next();
        }
        String[] ids = new String[2];
        String[] ports = new String[2];
        String[] fixed = new String[2];
        for (int i = 0; i < 2; i++) {
            String member = name + "-" + (char) ('a' + i);
            Map<String, String> md = new LinkedHashMap<>();
            md.put(ServerMetadata.TAG, tag);
            md.put(ServerMetadata.DECISION, "precreated-" + member);
            md.put(ServerMetadata.GROUP, name);
            md.put(ServerMetadata.ROLE, name);
            ServerRec s = cloud.createServer(
                    Caller.SANDBOX, member, imageId, flavorId, List.of(), md, null, null, List.of(), false);
            events.record("server.create", Caller.SANDBOX, s.id, 202, "ok", Map.of("name", member));
            synchronized (cloud) {
                ids[i] = s.id;
                PortRec p = cloud.ports.get(s.portIds.get(0));
                ports[i] = p.id;
                fixed[i] = p.fixedIp;
            }
        }
        String ext;
        synchronized (cloud) {
            ext = cloud.externalNetwork().id();
        }
        FipRec f = cloud.createFloatingIp(Caller.SANDBOX, ext, null, ports[0], name + " service address");
        return new Pair(name, ids[0], ids[1], ports[0], ports[1], fixed[0], fixed[1], f.id, f.address);
    }

    /** Server status as Nova reports it (BUILD, ACTIVE, ERROR, SHUTOFF), or null when it does not exist. */
    // The cloud is set once at start, before any caller; SandboxCloud's synchronized methods share its monitor.
    @SuppressWarnings("SynchronizeOnNonFinalField")
    public String serverStatus(String serverId) {
        synchronized (cloud) {
            ServerRec s = cloud.servers.get(serverId);
            return s == null ? null : s.status;
        }
    }

    // The cloud is set once at start, before any caller; SandboxCloud's synchronized methods share its monitor.
    @SuppressWarnings("SynchronizeOnNonFinalField")
    Map<String, Object> stateJson() {
        synchronized (cloud) {
            List<Object> servers = new ArrayList<>();
            for (ServerRec s : cloud.servers.values()) {
                Map<String, Object> m = Json.obj(
                        "id",
                        s.id,
                        "name",
                        s.name,
                        "status",
                        s.status,
                        "deleting",
                        s.deleting,
                        "metadata",
                        new LinkedHashMap<>(s.metadata));
                if (!s.portIds.isEmpty() && cloud.ports.containsKey(s.portIds.get(0))) {
                    PortRec p = cloud.ports.get(s.portIds.get(0));
                    m.put("port_id", p.id);
                    m.put("fixed_ip", p.fixedIp);
                    m.put("host_ip", p.hostIp);
                }
                if (cloud.runningServerIds().contains(s.id)) {
                    Instance i = cloud.instance(s.id);
                    m.put("instance", i.kind());
                    m.put("alive", i.alive());
                    m.put("frozen", i.frozen());
                    m.put("pid", i.pid().isPresent() ? i.pid().getAsLong() : null);
                    m.put("traffic", cloud.nic(s.id).mode().name());
                }
                servers.add(m);
            }
            List<Object> fips = new ArrayList<>();
            for (FipRec f : cloud.floatingIps.values()) {
                fips.add(Json.obj(
                        "id",
                        f.id,
                        "address",
                        f.address,
                        "port_id",
                        f.portId,
                        "fixed_ip",
                        f.fixedIp,
                        "revision_number",
                        f.revision));
            }
            return Json.obj("keystone", keystoneUrl(), "servers", servers, "floatingips", fips);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running or will run close(), which is idempotent
            }
        }
        if (front != null) {
            front.close();
        }
        if (cloud != null) {
            cloud.close();
        }
        // Let queued stops (from deletes just before close) finish: each one stops a process.
        lifecycle.shutdown();
        try {
            if (!lifecycle.awaitTermination(15, TimeUnit.SECONDS)) {
                lifecycle.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timers.shutdownNow();
        workers.shutdownNow();
        dataGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        httpGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        events.record("sandbox.stop", Caller.SANDBOX, null, 0, "ok", Map.of());
        events.close();
        if (ownWorkDir) {
            deleteTree(workDir);
        }
        LOG.info("sandbox stopped");
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", dir, e.toString());
        }
    }
}
