package org.sipmediadeploy.raft;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.sipmediadeploy.core.port.Membership;

/**
 * The core's {@link Membership} port over {@link RaftNode}'s membership API: the view is the leader's own (its
 * configuration, last contact and commit index of each voter); a replacement is one {@code replaceMember}
 * (compare-and-set setConfiguration; Ratis stages the new node until it has caught up, then switches).
 */
public final class RaftMembership implements Membership {
    private final RaftNode node;

    public RaftMembership(RaftNode node) {
        this.node = node;
    }

    @Override
    public View view() {
        if (node.leaderTerm().isEmpty()) {
            return new View(node.id(), List.of(), -1, false);
        }
        Map<String, Long> commits = node.peerCommitIndexes();
        List<Peer> voters = new ArrayList<>();
        for (MemberView m : node.members()) {
            Duration contact = m.self() ? Duration.ZERO
                    : m.lastContactMillis() == null ? null : Duration.ofMillis(m.lastContactMillis());
            voters.add(new Peer(m.id(), m.address(), contact, commits.getOrDefault(m.id(), -1L)));
        }
        return new View(node.id(), voters, node.commitIndex(), node.configurationChanging());
    }

    @Override
    public boolean answers(String id, String address) {
        return node.answers(new RaftMember(id, address), Duration.ofSeconds(1));
    }

    @Override
    public CompletableFuture<Void> replace(String deadId, String newId, String newAddress) {
        return node.replaceMember(deadId, new RaftMember(newId, newAddress)).thenApply(change -> {
            if (!change.done()) {
                throw new MembershipException(change.outcome() + ": " + change.detail());
            }
            return null;
        });
    }
}
