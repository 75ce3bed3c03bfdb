package org.sipmediadeploy.raft;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** This node's division of the cluster's group, as its Ratis server holds it (absent while starting or closed). */
record LocalDivision(RaftServer server, RaftGroupId groupId) {
    // Logged under RaftNode, where these lines have always been.
    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

    RaftServer.Division get() throws IOException {
        return server.getDivision(groupId);
    }

    /** The configuration as this node's server holds it. */
    Optional<RaftConfiguration> conf() {
        try {
            return Optional.of(server.getDivision(groupId).getRaftConf());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    Optional<DivisionInfo> info() {
        try {
            return Optional.of(server.getDivision(groupId).getInfo());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Milliseconds since this node last heard from each peer it tracks, by peer id: every follower when this node
     * leads, the leader when it follows; empty while a candidate or starting.
     */
    Map<String, Long> lastContactMillis() {
        Map<String, Long> out = new java.util.TreeMap<>();
        info().ifPresent(i -> {
            RoleInfoProto role = i.getRoleInfoProto();
            if (role.hasLeaderInfo()) {
                for (ServerRpcProto f : role.getLeaderInfo().getFollowerInfoList()) {
                    out.put(f.getId().getId().toStringUtf8(), f.getLastRpcElapsedTimeMs());
                }
            } else if (role.hasFollowerInfo() && role.getFollowerInfo().hasLeaderInfo()) {
                ServerRpcProto l = role.getFollowerInfo().getLeaderInfo();
                out.put(l.getId().getId().toStringUtf8(), l.getLastRpcElapsedTimeMs());
            }
        });
        return out;
    }

    /** The commit index each peer last reported to this node (Ratis commit infos; this node included), by id. */
    Map<String, Long> peerCommitIndexes() {
        Map<String, Long> out = new java.util.TreeMap<>();
        try {
            for (CommitInfoProto ci : server.getDivision(groupId).getCommitInfos()) {
                out.put(RaftPeerId.valueOf(ci.getServer().getId()).toString(), ci.getCommitIndex());
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("commit infos: {}", e.toString());
        }
        return out;
    }

    /** This node's commit index (-1 when unknown). */
    long commitIndex() {
        try {
            return server.getDivision(groupId).getRaftLog().getLastCommittedIndex();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Index of the first entry still in this node's log (grows when the log is purged after snapshots). */
    long firstLogIndex() {
        try {
            return server.getDivision(groupId).getRaftLog().getStartIndex();
        } catch (IOException e) {
            return -1;
        }
    }

    /** See {@link RaftNode#members()}; {@code self} is this node's id. */
    List<MemberView> members(RaftPeerId self) {
        Optional<RaftConfiguration> conf = conf();
        if (conf.isEmpty()) {
            return List.of();
        }
        String leader =
                info().map(DivisionInfo::getLeaderId).map(RaftPeerId::toString).orElse(null);
        Map<String, Long> contact = lastContactMillis();
        List<MemberView> out = new ArrayList<>();
        for (RaftPeer p : conf.get().getCurrentPeers()) {
            String id = p.getId().toString();
            boolean me = p.getId().equals(self);
            MemberView.Role role = leader == null
                    ? MemberView.Role.UNKNOWN
                    : id.equals(leader) ? MemberView.Role.LEADER : MemberView.Role.FOLLOWER;
            out.add(new MemberView(id, p.getAddress(), role, me ? Long.valueOf(0) : contact.get(id), me));
        }
        out.sort(Comparator.comparing(MemberView::id));
        return out;
    }

    static Set<String> ids(Collection<RaftPeer> peers) {
        Set<String> out = new HashSet<>();
        for (RaftPeer p : peers) {
            out.add(p.getId().toString());
        }
        return out;
    }
}
