package org.sipmediadeploy.raft;

import java.util.Objects;

/**
 * One member of the current Raft configuration as this node sees it.
 *
 * @param id                 the member's peer id
 * @param address            its Raft {@code host:port}
 * @param role               LEADER, FOLLOWER (a voter that is not the leader) or UNKNOWN (this node cannot tell,
 *                           e.g. it has no leader)
 * @param lastContactMillis  milliseconds since this node last heard from it (0 for this node itself), or null when
 *                           this node does not track it (a follower only tracks the leader)
 * @param self               whether this member is this node
 */
public record MemberView(String id, String address, Role role, Long lastContactMillis, boolean self) {
    /** What a member is in the configuration. */
    public enum Role {
        LEADER,
        FOLLOWER,
        UNKNOWN
    }

    public MemberView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(role, "role");
    }

    public RaftMember member() {
        return new RaftMember(id, address);
    }
}
