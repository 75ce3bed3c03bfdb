package org.sipmediadeploy.core.loop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.sipmediadeploy.core.port.Membership;

/**
 * A Raft configuration in memory: voters with their last contact and commit index, which new nodes answer, and
 * replacements that complete at once or stay pending until the test says (a slow staging / a crash mid-change).
 */
final class FakeMembership implements Membership {
    final String self;
    final Map<String, String> voters = new TreeMap<>();
    final Map<String, Duration> contact = new TreeMap<>();
    final Map<String, Long> commit = new TreeMap<>();
    final Set<String> answering = new TreeSet<>();
    final List<String> replaceCalls = new ArrayList<>();
    long commitIndex = 10;
    boolean changing;
    boolean holdReplacements;
    boolean failReplacements;
    final List<Runnable> held = new ArrayList<>();

    FakeMembership(String self, Map<String, String> voters) {
        this.self = self;
        this.voters.putAll(voters);
        voters.keySet().forEach(id -> {
            contact.put(id, Duration.ZERO);
            commit.put(id, commitIndex);
        });
    }

    @Override
    public View view() {
        List<Peer> peers = new ArrayList<>();
        voters.forEach((id, a) -> peers.add(
                new Peer(id, a, id.equals(self) ? Duration.ZERO : contact.get(id), commit.getOrDefault(id, -1L))));
        return new View(self, peers, commitIndex, changing);
    }

    @Override
    public boolean answers(String id, String address) {
        return answering.contains(id);
    }

    @Override
    public CompletableFuture<Void> replace(String deadId, String newId, String newAddress) {
        replaceCalls.add(deadId + "->" + newId);
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (failReplacements) {
            f.completeExceptionally(new MembershipException("UNAVAILABLE: no majority"));
            return f;
        }
        Runnable apply = () -> {
            voters.remove(deadId);
            voters.put(newId, newAddress);
            contact.put(newId, Duration.ZERO);
            commit.put(newId, commitIndex);
            f.complete(null);
        };
        if (holdReplacements) {
            held.add(apply);
        } else {
            apply.run();
        }
        return f;
    }

    void releaseHeld() {
        held.forEach(Runnable::run);
        held.clear();
    }
}
