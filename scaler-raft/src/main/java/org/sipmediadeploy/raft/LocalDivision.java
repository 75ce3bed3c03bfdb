package org.sipmediadeploy.raft;

import java.io.IOException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;

/** This node's division of the cluster's group, as its Ratis server holds it (absent while starting or closed). */
record LocalDivision(RaftServer server, RaftGroupId groupId) {

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

    static Set<String> ids(Collection<RaftPeer> peers) {
        Set<String> out = new HashSet<>();
        for (RaftPeer p : peers) {
            out.add(p.getId().toString());
        }
        return out;
    }
}
