package org.sipmediadeploy.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.storage.RaftStorage;

/**
 * What a node starts with, decided from what it has (a log of the group or not), what it was told (the configured
 * peers, join-only) and what the cluster answered (the discovered configuration). Pure: the discovery and the
 * storage check are done by the caller, so every case is a unit test.
 *
 * <pre>
 * answer (conclusive, or any for a fresh node) | in it | fresh | joinOnly | plan
 * none                                         |   -   |   -   |  no      | CONFIGURED_PEERS (first start, or recover)
 * none                                         |   -   |  yes  |  yes     | JOIN_ONLY: empty, wait to be added
 * none                                         |   -   |  no   |  yes     | CONFIGURED_PEERS (its log has the rest)
 * configuration                                |  yes  |   -   |   -      | CURRENT_CONFIGURATION (same address)
 * configuration                                |  yes, other address   |  | refused: remove, then add anew
 * configuration                                |  no   |  yes  |   -      | JOINING: empty, wait to be added
 * configuration                                |  no   |  no   |   -      | refused: log of an earlier membership
 * </pre>
 *
 * @param kind        which case applies
 * @param option      FORMAT a fresh storage, RECOVER an existing one
 * @param startPeers  the configuration the server starts with (empty while joining)
 * @param clientPeers the peers this node's clients talk to at first (while joining: those of the configuration it
 *                    was told about, so it can reach the leader)
 * @param discovered  the answer the plan acted on, if any (named in the logs)
 */
record StartupPlan(
        Kind kind,
        RaftStorage.StartupOption option,
        List<RaftPeer> startPeers,
        List<RaftPeer> clientPeers,
        Optional<ConfigurationDiscovery.Discovered> discovered) {

    enum Kind {
        /** No conclusive answer: the configured peers (first start of the cluster; a node with a log recovers). */
        CONFIGURED_PEERS,
        /** The current configuration includes this node: start with it, whatever the config file lists. */
        CURRENT_CONFIGURATION,
        /** The current configuration does not include this fresh node: start empty, wait for the leader. */
        JOINING,
        /** No leader answered and this fresh node may only join: start empty, wait for the leader. */
        JOIN_ONLY
    }

    StartupPlan {
        startPeers = List.copyOf(startPeers);
        clientPeers = List.copyOf(clientPeers);
    }

    boolean joining() {
        return kind == Kind.JOINING || kind == Kind.JOIN_ONLY;
    }

    /**
     * The plan for node {@code settings.nodeId()}; {@code fresh} when its storage holds no log of the group yet.
     *
     * @throws NotAMemberException when the cluster's configuration has this node at another address, or does not
     *     have it while its storage holds a log (the message says what to do)
     */
    static StartupPlan decide(
            RaftSettings settings,
            boolean fresh,
            boolean joinOnly,
            Optional<ConfigurationDiscovery.Discovered> discovered)
            throws NotAMemberException {
        List<RaftPeer> configured = new ArrayList<>();
        settings.peers()
                .forEach((id, address) -> configured.add(
                        RaftPeer.newBuilder().setId(id).setAddress(address).build()));
        RaftStorage.StartupOption option = fresh ? RaftStorage.StartupOption.FORMAT : RaftStorage.StartupOption.RECOVER;
        Optional<ConfigurationDiscovery.Discovered> current = discovered;
        if (current.isPresent() && !current.get().conclusive() && !fresh) {
            // A node with a log only acts on a leader's word (it may refuse to start below); its log has the rest.
            current = Optional.empty();
        }
        if (current.isPresent()) {
            ConfigurationDiscovery.Discovered d = current.get();
            Optional<RaftPeer> me = d.peers().stream()
                    .filter(p -> p.getId().toString().equals(settings.nodeId()))
                    .findFirst();
            if (me.isPresent()) {
                String mine = settings.peers().get(settings.nodeId());
                if (!me.get().getAddress().equals(mine)) {
                    throw new NotAMemberException("node " + settings.nodeId() + " is in the configuration of cluster "
                            + settings.clusterName() + " at " + me.get().getAddress() + " (reported by " + d.from()
                            + "), but it is configured to listen on " + mine + ": remove it from the cluster "
                            + "(scalerctl members remove " + settings.nodeId() + "), then add it with the new address");
                }
                return new StartupPlan(Kind.CURRENT_CONFIGURATION, option, d.peers(), d.peers(), current);
            } else if (fresh) {
                return new StartupPlan(Kind.JOINING, option, List.of(), d.peers(), current);
            } else {
                throw new NotAMemberException("node " + settings.nodeId() + " is not a member of cluster "
                        + settings.clusterName() + ": its current configuration is "
                        + ConfigurationDiscovery.describe(d.peers())
                        + " (reported by " + d.from() + "), but " + settings.storageDir() + " holds the log of an "
                        + "earlier membership. To bring it back: move that directory aside, start the node again "
                        + "(it waits to be added) and run 'scalerctl members add " + settings.nodeId() + " "
                        + settings.peers().get(settings.nodeId()) + "' on a member");
            }
        } else if (joinOnly && fresh) {
            List<RaftPeer> others = configured.stream()
                    .filter(p -> !p.getId().toString().equals(settings.nodeId()))
                    .toList();
            return new StartupPlan(Kind.JOIN_ONLY, option, List.of(), others, current);
        }
        return new StartupPlan(Kind.CONFIGURED_PEERS, option, configured, configured, current);
    }
}
