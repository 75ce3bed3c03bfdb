package org.sipmediadeploy.raft;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out {@link RaftNode#start}: asks the configured peers for the current configuration, lets
 * {@link StartupPlan} decide what to start with, then builds and starts the Ratis server.
 */
final class NodeStart {
    // Logged under RaftNode, where these lines have always been.
    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

    private NodeStart() {}

    static RaftNode start(RaftSettings settings, ProbeView probes, LeadershipListener listener, boolean joinOnly)
            throws IOException {
        Objects.requireNonNull(settings, "settings");
        RaftGroupId gid = RaftNode.groupId(settings.clusterName());
        List<RaftPeer> configured = new ArrayList<>();
        settings.peers()
                .forEach((id, address) -> configured.add(
                        RaftPeer.newBuilder().setId(id).setAddress(address).build()));

        RaftProperties props = RatisProperties.server(settings);
        Parameters params = RatisProperties.parameters(settings);

        Files.createDirectories(settings.storageDir());
        boolean fresh =
                !Files.isDirectory(settings.storageDir().resolve(gid.getUuid().toString()));
        RaftProperties clientProps = RatisProperties.client(settings);

        Optional<ConfigurationDiscovery.Discovered> discovered = ConfigurationDiscovery.discover(
                settings.nodeId(), gid, configured, clientProps, params, settings.requestTimeout());
        StartupPlan plan = StartupPlan.decide(settings, fresh, joinOnly, discovered);
        if (plan.kind() == StartupPlan.Kind.JOINING) {
            ConfigurationDiscovery.Discovered d = plan.discovered().orElseThrow();
            LOG.warn(
                    "node {} is not in the current configuration {} of cluster {} (reported by {}): it starts "
                            + "empty and waits to be added by the leader (scalerctl members add {} {})",
                    settings.nodeId(),
                    ConfigurationDiscovery.describe(d.peers()),
                    settings.clusterName(),
                    d.from(),
                    settings.nodeId(),
                    settings.peers().get(settings.nodeId()));
        } else if (plan.kind() == StartupPlan.Kind.JOIN_ONLY) {
            LOG.warn(
                    "node {} found no leader among {} of cluster {}: it starts empty and waits to be added by the "
                            + "leader (join only)",
                    settings.nodeId(),
                    ConfigurationDiscovery.describe(configured),
                    settings.clusterName());
        }
        RaftGroup group = RaftGroup.valueOf(gid, plan.startPeers());

        ExecutorService events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "raft-leadership-" + settings.nodeId());
            t.setDaemon(true);
            return t;
        });
        ScalerStateMachine machine = new ScalerStateMachine(probes, listener, events);
        RaftServer server = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(settings.nodeId()))
                .setGroup(group)
                .setProperties(props)
                .setParameters(params)
                .setStateMachine(machine)
                .setOption(plan.option())
                .build();
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            server.close();
            events.shutdownNow();
            throw e;
        }
        RaftGroup clientGroup = plan.joining() ? RaftGroup.valueOf(gid, plan.clientPeers()) : group;
        LOG.info(
                "raft node {} started ({}{}) in group {} with peers {}",
                settings.nodeId(),
                plan.option(),
                plan.joining() ? ", joining" : "",
                gid,
                ConfigurationDiscovery.describe(plan.startPeers()));
        return new RaftNode(settings, group, server, machine, events, clientProps, params, clientGroup, plan.joining());
    }
}
