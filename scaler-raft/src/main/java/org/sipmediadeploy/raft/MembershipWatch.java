package org.sipmediadeploy.raft;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every second: keeps this node's clients on the current configuration, and tracks whether this node is in it
 * ({@link SelfMembership}): JOINING until a configuration includes it, REMOVED when the leader's configuration no
 * longer does.
 */
final class MembershipWatch implements AutoCloseable {
    // Logged under RaftNode, where these lines have always been.
    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);
    /** How often the membership watch runs (client refresh, "am I still in the configuration?"). */
    private static final long WATCH_MILLIS = 1000;

    private final RaftSettings settings;
    private final RaftPeerId self;
    private final LocalDivision division;
    private final RaftProperties clientProperties;
    private final Parameters parameters;
    /** How long in-flight calls on replaced clients may take before those clients are closed. */
    private final Supplier<Duration> clientGrace;

    private final ScheduledExecutorService watch;
    private final AtomicReference<Clients> clients = new AtomicReference<>();
    /** Started outside the configuration (empty log); cleared for good once a configuration includes this node. */
    private volatile boolean joining;
    /** The current leader reported a configuration without this node while this node's own still had it. */
    private volatile boolean removedByLeader;

    private volatile SelfMembership lastLogged;

    /**
     * The clients of one peer set: proposals (bounded retries), direct per-server calls (no retry), and one
     * proposing client per leader hint in {@code proposeVia}: a Ratis client keeps the leader it last used, and one
     * cut off (not closed) costs a whole request timeout per proposal before the client tries another peer.
     */
    record Clients(
            Set<String> key,
            RaftGroup group,
            RaftClient propose,
            RaftClient direct,
            ConcurrentMap<RaftPeerId, RaftClient> proposeVia) {}

    MembershipWatch(
            RaftSettings settings,
            LocalDivision division,
            RaftProperties clientProperties,
            Parameters parameters,
            Supplier<Duration> clientGrace,
            RaftGroup clientGroup,
            boolean joining) {
        this.settings = settings;
        this.self = RaftPeerId.valueOf(settings.nodeId());
        this.division = division;
        this.clientProperties = clientProperties;
        this.parameters = parameters;
        this.clientGrace = clientGrace;
        this.watch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "raft-membership-" + settings.nodeId());
            t.setDaemon(true);
            return t;
        });
        this.joining = joining;
        this.clients.set(buildClients(clientGroup));
        this.lastLogged = joining ? SelfMembership.JOINING : SelfMembership.MEMBER;
    }

    void start() {
        var unused =
                watch.scheduleWithFixedDelay(this::watchMembership, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
    }

    Clients clients() {
        return clients.get();
    }

    /** The current configuration (old and new members during a change) as a group, for one-off clients. */
    RaftGroup currentGroup() {
        return clients().group();
    }

    /** Whether this node is in the configuration; see {@link SelfMembership} for when each state holds. */
    SelfMembership membership() {
        Optional<RaftConfiguration> conf = division.conf();
        if (conf.isEmpty()) {
            // The division is starting or was closed (Ratis shuts down a removed node that keeps campaigning):
            // the last state seen stands.
            return lastLogged;
        }
        boolean in = LocalDivision.ids(conf.get().getCurrentPeers()).contains(self.toString());
        if (in && !removedByLeader) {
            return SelfMembership.MEMBER;
        }
        return joining ? SelfMembership.JOINING : SelfMembership.REMOVED;
    }

    /**
     * Every second: rebuild the clients when the configuration changed; leave JOINING once a configuration
     * includes this node; and, while this node hears no leader, ask the others whether the current configuration
     * still includes it (a node removed while it was down or cut off never receives the configuration without
     * itself). Logs each change of {@link #membership()} once.
     */
    private void watchMembership() {
        try {
            Optional<RaftConfiguration> conf = division.conf();
            if (conf.isEmpty()) {
                return;
            }
            Set<String> current = LocalDivision.ids(conf.get().getCurrentPeers());
            boolean in = current.contains(self.toString());
            if (in && joining) {
                joining = false;
            }
            refreshClients(conf.get());
            Optional<String> leader =
                    division.info().map(DivisionInfo::getLeaderId).map(RaftPeerId::toString);
            if (in && leader.isPresent() && current.contains(leader.get())) {
                removedByLeader = false;
            } else if (in) {
                List<RaftPeer> ask = new ArrayList<>(conf.get().getCurrentPeers());
                Optional<ConfigurationDiscovery.Discovered> d = ConfigurationDiscovery.discover(
                        self.toString(),
                        division.groupId(),
                        ask,
                        clientProperties,
                        parameters,
                        settings.requestTimeout());
                d.filter(ConfigurationDiscovery.Discovered::conclusive)
                        .ifPresent(x -> removedByLeader =
                                x.peers().stream().noneMatch(p -> p.getId().equals(self)));
            }
            SelfMembership now = membership();
            if (now != lastLogged) {
                lastLogged = now;
                if (now == SelfMembership.MEMBER) {
                    LOG.info(
                            "node {} is a member of the configuration {}",
                            self,
                            ConfigurationDiscovery.describe(conf.get().getCurrentPeers()));
                } else {
                    LOG.warn(
                            "node {} is {} the Raft configuration {}",
                            self,
                            now == SelfMembership.JOINING ? "waiting to join" : "not in",
                            ConfigurationDiscovery.describe(conf.get().getCurrentPeers()));
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("membership watch: {}", e.toString());
        }
    }

    private void refreshClients(RaftConfiguration conf) {
        Map<String, RaftPeer> peers = new LinkedHashMap<>();
        for (RaftPeer p : conf.getCurrentPeers()) {
            peers.put(p.getId().toString(), p);
        }
        for (RaftPeer p : conf.getPreviousPeers()) {
            peers.putIfAbsent(p.getId().toString(), p);
        }
        if (peers.isEmpty()) {
            return;
        }
        Set<String> key = new TreeSet<>();
        peers.values().forEach(p -> key.add(p.getId() + "@" + p.getAddress()));
        Clients old = clients.get();
        if (old != null && old.key().equals(key)) {
            return;
        }
        Clients fresh = buildClients(RaftGroup.valueOf(division.groupId(), peers.values()));
        if (clients.compareAndSet(old, fresh) && old != null) {
            // In-flight calls on the old clients get time to finish before they are closed.
            var unused =
                    watch.schedule(() -> closeClients(old), clientGrace.get().toMillis(), TimeUnit.MILLISECONDS);
        } else if (old != null) {
            closeClients(fresh);
        }
    }

    private Clients buildClients(RaftGroup group) {
        Set<String> key = new TreeSet<>();
        group.getPeers().forEach(p -> key.add(p.getId() + "@" + p.getAddress()));
        return new Clients(
                key,
                group,
                RatisProperties.newClient(
                        group, clientProperties, parameters, RatisProperties.proposalRetries(settings), null),
                RatisProperties.newClient(group, clientProperties, parameters, RetryPolicies.noRetry(), null),
                new ConcurrentHashMap<>());
    }

    /** The client whose first try is the leader this node knows (the shared one while no leader is known). */
    RaftClient proposingClient() {
        Clients c = clients();
        RaftPeerId leader = division.info().map(DivisionInfo::getLeaderId).orElse(null);
        if (leader == null || c.group().getPeer(leader) == null) {
            return c.propose();
        }
        return c.proposeVia()
                .computeIfAbsent(
                        leader,
                        id -> RatisProperties.newClient(
                                c.group(),
                                clientProperties,
                                parameters,
                                RatisProperties.proposalRetries(settings),
                                id));
    }

    private static void closeClients(Clients c) {
        closeQuietly(c.propose());
        closeQuietly(c.direct());
        c.proposeVia().values().forEach(MembershipWatch::closeQuietly);
    }

    private static void closeQuietly(RaftClient c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.debug("closing raft client: {}", e.toString());
        }
    }

    /** Stops the watch and closes the clients. */
    @Override
    public void close() {
        watch.shutdownNow();
        Clients c = clients.get();
        if (c != null) {
            closeClients(c);
        }
    }
}
