package org.sipmediadeploy.sandbox;

import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import org.sipmediadeploy.sandbox.Resources.PortRec;
import org.sipmediadeploy.sandbox.Resources.ServerRec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What runs on the machine for the cloud's servers: which instance an image gets (a real Kamailio or Coturn from
 * the deploy kit's role configuration where installed, a scaler VM, else a built-in responder), starting it with
 * the NIC forwarder in front of it, and stopping it, off the API's threads where that is slow. The running ones
 * are guarded by this object's monitor; {@link SandboxCloud} calls in while holding the store's lock (store, then
 * this; never the other way round).
 */
final class InstanceLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceLifecycle.class);

    private final SandboxConfig config;
    private final EventLoopGroup dataGroup;
    private final ScheduledExecutorService lifecycle;
    private final Path workDir;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    /** The role-rendered kamailio.cfg / turnserver.conf, or empty where the built-in fallback runs. */
    private final Optional<RoleConfig> kamailioRole;

    private final Optional<RoleConfig> coturnRole;

    /** What runs for one server: its instance and the NIC forwarder in front of it. */
    record Node(Instance instance, Forwarder nic) {}

    InstanceLifecycle(
            SandboxConfig config, EventLoopGroup dataGroup, ScheduledExecutorService lifecycle, Path workDir) {
        this.config = config;
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

    /** Starts rendering the role configuration an image will need, so the first boot does not wait for all of it. */
    void prepare(String imageName) {
        if (imageName.toLowerCase(Locale.ROOT).contains("kamailio")) {
            kamailioRole.ifPresent(RoleConfig::start);
        } else if (imageName.toLowerCase(Locale.ROOT).contains("coturn")) {
            coturnRole.ifPresent(RoleConfig::start);
        }
    }

    Node start(ServerRec s, String imageName, PortRec port) {
        InetAddress host = Addresses.address(port.hostIp);
        InetAddress fixed = Addresses.address(port.fixedIp);
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

    static void stop(Node node) {
        node.nic().close();
        node.instance().close();
    }

    synchronized void running(String serverId, Node node) {
        nodes.put(serverId, node);
    }

    /** Stops a server's instance, if it runs, on the lifecycle executor. */
    synchronized void stopLater(String serverId) {
        Node node = nodes.remove(serverId);
        if (node != null) {
            lifecycle.execute(() -> stop(node));
        }
    }

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

    /** Stops every running instance and waits (each at most 10 s) for them to be gone. */
    void stopAll() {
        List<Node> toStop;
        synchronized (this) {
            toStop = new ArrayList<>(nodes.values());
            nodes.clear();
        }
        // Stop processes in parallel: each Kamailio takes about 1.6 s to honour SIGTERM.
        List<Thread> stoppers = new ArrayList<>();
        for (Node n : toStop) {
            Thread t = new Thread(() -> stop(n), "sandbox-stop");
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
