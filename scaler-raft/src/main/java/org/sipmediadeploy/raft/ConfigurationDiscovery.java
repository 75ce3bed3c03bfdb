package org.sipmediadeploy.raft;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "What is the cluster's configuration now?", asked of other nodes with Ratis' group-info RPC: at start (to join,
 * refuse or use the current configuration instead of a stale peer list) and by the membership watch of a node
 * that hears no leader.
 */
final class ConfigurationDiscovery {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationDiscovery.class);

    private ConfigurationDiscovery() {}

    /**
     * A configuration as a peer reported it; {@code conclusive} when that peer leads or follows a known leader (a
     * node without a leader may hold an old configuration).
     */
    record Discovered(String from, List<RaftPeer> peers, boolean conclusive) {}

    /**
     * Asks {@code peers} (but {@code selfId}) for the group's current configuration; a leader's answer wins, then a
     * follower's that knows a leader. Empty when none answers conclusively within {@code timeout}.
     */
    static Optional<Discovered> discover(
            String selfId,
            RaftGroupId gid,
            Collection<RaftPeer> peers,
            RaftProperties clientProps,
            Parameters params,
            Duration timeout) {
        List<RaftPeer> others =
                peers.stream().filter(p -> !p.getId().toString().equals(selfId)).toList();
        if (others.isEmpty()) {
            return Optional.empty();
        }
        // A peer that is down fails at once; one that is up but slow to answer (a loaded machine, a first gRPC
        // connection) is asked again: answering "no answer" would make a new node format as a voter.
        for (int attempt = 1; ; attempt++) {
            boolean[] slow = new boolean[1];
            Optional<Discovered> d = discoverOnce(selfId, gid, others, clientProps, params, timeout, slow);
            if (d.isPresent() || !slow[0] || attempt == 3) {
                return d;
            }
            LOG.info(
                    "configuration discovery for {}: a peer did not answer within {} ms, asking again",
                    selfId,
                    timeout.toMillis());
        }
    }

    private static Optional<Discovered> discoverOnce(
            String selfId,
            RaftGroupId gid,
            List<RaftPeer> others,
            RaftProperties clientProps,
            Parameters params,
            Duration timeout,
            boolean[] slow) {
        ExecutorService pool = Executors.newFixedThreadPool(others.size(), r -> {
            Thread t = new Thread(r, "raft-discover-" + selfId);
            t.setDaemon(true);
            return t;
        });
        try (RaftClient c = RatisProperties.newClient(
                RaftGroup.valueOf(gid, others), clientProps, params, RetryPolicies.noRetry(), null)) {
            List<CompletableFuture<GroupInfoReply>> asks = new ArrayList<>();
            for (RaftPeer p : others) {
                asks.add(CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return c.getGroupManagementApi(p.getId()).info(gid);
                            } catch (IOException e) {
                                throw new CompletionException(e);
                            }
                        },
                        pool));
            }
            try {
                CompletableFuture.allOf(asks.stream()
                                .map(f -> f.exceptionally(e -> null))
                                .toArray(CompletableFuture[]::new))
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                LOG.debug("configuration discovery: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Discovered followerSays = null;
            Discovered anySays = null;
            slow[0] = asks.stream().anyMatch(f -> !f.isDone());
            for (CompletableFuture<GroupInfoReply> f : asks) {
                GroupInfoReply r = f.exceptionally(e -> null).getNow(null);
                if (r == null
                        || !r.isSuccess()
                        || r.getConf().isEmpty()
                        || r.getConf().get().getPeersCount() == 0) {
                    continue;
                }
                RoleInfoProto role = r.getRoleInfoProto();
                if (role.getRole() == RaftPeerRole.LEADER) {
                    return Optional.of(new Discovered(
                            r.getServerId().toString(), peersOf(r.getConf().get()), true));
                }
                Discovered d = new Discovered(
                        r.getServerId().toString(),
                        peersOf(r.getConf().get()),
                        role.hasFollowerInfo() && role.getFollowerInfo().hasLeaderInfo());
                if (followerSays == null && d.conclusive()) {
                    followerSays = d;
                }
                if (anySays == null) {
                    anySays = d;
                }
            }
            return Optional.ofNullable(followerSays != null ? followerSays : anySays);
        } catch (IOException | RuntimeException e) {
            LOG.debug("configuration discovery failed: {}", e.toString());
            return Optional.empty();
        } finally {
            pool.shutdownNow();
        }
    }

    static List<RaftPeer> peersOf(RaftConfigurationProto conf) {
        List<RaftPeer> out = new ArrayList<>();
        for (RaftPeerProto p : conf.getPeersList()) {
            out.add(RaftPeer.newBuilder()
                    .setId(RaftPeerId.valueOf(p.getId()))
                    .setAddress(p.getAddress())
                    .build());
        }
        return out;
    }

    static String describe(Collection<RaftPeer> peers) {
        List<String> out = new ArrayList<>();
        for (RaftPeer p : peers) {
            out.add(p.getId() + "@" + p.getAddress());
        }
        out.sort(null);
        return out.toString();
    }
}
