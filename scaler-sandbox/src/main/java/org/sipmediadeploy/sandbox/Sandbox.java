package org.sipmediadeploy.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
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
    private final SandboxThreads threads;
    private final EventLog events;
    private final ApiFaults apiFaults;
    private final Path workDir;
    private final boolean ownWorkDir;
    private final Thread shutdownHook;
    private SandboxCloud cloud;
    private Keystone keystone;
    private HttpFront front;
    private InstanceFaults faults;
    private GatewayCalls gateways;
    private PrecreatedPairs pairs;
    private ControlState state;
    private int port;
    private boolean closed;

    private Sandbox(SandboxConfig config) {
        this.config = config;
        this.threads = new SandboxThreads();
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
        cloud = new SandboxCloud(
                config, Clock.systemUTC(), events, projectId, threads.dataGroup, threads.lifecycle, workDir);
        faults = new InstanceFaults(cloud);
        gateways = new GatewayCalls(cloud);
        pairs = new PrecreatedPairs(cloud);
        state = new ControlState(cloud, keystoneUrl());
        front = new HttpFront(
                keystone,
                new Nova(cloud, baseUrl),
                new Neutron(cloud, baseUrl),
                new Glance(cloud.store, baseUrl),
                new Control(this),
                apiFaults,
                events,
                threads.workers,
                threads.timers);
        front.start(threads.httpGroup, host, port);
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
        faults.kill(serverId);
    }

    public void freeze(String serverId) {
        faults.freeze(serverId);
    }

    public void resume(String serverId) {
        faults.resume(serverId);
    }

    /** Starts a killed instance again (a service restart inside the VM). */
    public void restart(String serverId) {
        faults.restart(serverId);
    }

    /** Powers the server off: its instance stops and Nova reports SHUTOFF. */
    public void shutoff(String serverId) {
        faults.shutoff(serverId);
    }

    /** Drops, rejects or restores all traffic to the server's fixed address (direct and through floating IPs). */
    public void traffic(String serverId, TrafficMode mode) {
        faults.traffic(serverId, mode);
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
        faults.pathTraffic(serverId, source, mode);
    }

    /**
     * Random loss on the path {@code source} → server: each UDP datagram from {@code source} to the server's fixed
     * address is lost with probability {@code rate} (0 removes the fault), drawn from a generator seeded with
     * {@code seed} so a run can be replayed. TCP from that source is not affected (it would retransmit).
     */
    public void pathLoss(String serverId, String source, double rate, long seed) {
        faults.pathLoss(serverId, source, rate, seed);
    }

    /** The faults on paths to the server, {@code source -> "MODE loss=R"}. */
    public Map<String, String> pathFaults(String serverId) {
        return cloud.nic(serverId).sourceFaults();
    }

    /** Removes every path fault of every running server. */
    public void clearPathFaults() {
        faults.clearPathFaults();
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
        return cloud.networking.floatingTarget(floatingAddress);
    }

    // ---------------------------------------------------------------- gateway calls

    /** Starts a simulated call on a gateway host: one idle gateway fewer; false when none is idle. */
    public boolean startCall(String serverId) {
        return gateways.startCall(serverId);
    }

    public boolean endCall(String serverId) {
        return gateways.endCall(serverId);
    }

    public int idleGateways(String serverId) {
        return gateways.idle(serverId);
    }

    public void canBeTerminated(String serverId, boolean value) {
        gateways.canBeTerminated(serverId, value);
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
    public Pair createPair(String name, String image, String tag) {
        return pairs.create(name, image, tag);
    }

    /** Server status as Nova reports it (BUILD, ACTIVE, ERROR, SHUTOFF), or null when it does not exist. */
    public String serverStatus(String serverId) {
        return cloud.store.locked(() -> {
            ServerRec s = cloud.store.servers.get(serverId);
            return s == null ? null : s.status;
        });
    }

    Map<String, Object> stateJson() {
        return state.render();
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
        threads.close();
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
