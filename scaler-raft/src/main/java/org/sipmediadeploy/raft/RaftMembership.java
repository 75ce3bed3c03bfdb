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
    private final Map<RaftMember, Boolean> answered = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicBoolean asking = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.ExecutorService checks;

    public RaftMembership(RaftNode node) {
        this.node = node;
        this.checks = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "raft-membership-check-" + node.id());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public View view() {
        if (node.leaderTerm().isEmpty()) {
            return new View(node.id(), List.of(), -1, false);
        }
        Map<String, Long> commits = node.peerCommitIndexes();
        List<Peer> voters = new ArrayList<>();
        for (MemberView m : node.members()) {
            Duration contact = m.self()
                    ? Duration.ZERO
                    : m.lastContactMillis() == null ? null : Duration.ofMillis(m.lastContactMillis());
            voters.add(new Peer(m.id(), m.address(), contact, commits.getOrDefault(m.id(), -1L)));
        }
        return new View(node.id(), voters, node.commitIndex(), node.configurationChanging());
    }

    /**
     * Never blocks the control loop: the answer is the last check's, and a new check (one connection, up to 1 s)
     * runs in the background whenever none is running.
     */
    @Override
    public boolean answers(String id, String address) {
        RaftMember m = new RaftMember(id, address);
        Boolean last = answered.get(m);
        if (asking.compareAndSet(false, true)) {
            checks.execute(() -> {
                try {
                    answered.put(m, node.answers(m, Duration.ofSeconds(1)));
                } finally {
                    asking.set(false);
                }
            });
        }
        return last != null && last;
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
