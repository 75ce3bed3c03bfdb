package org.sipmediadeploy.raft;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a membership change may go ahead: pure, so every rule has a unit test. Ratis itself would accept any
 * new configuration (it uses joint consensus); these rules keep an operator or the self-healing from asking for one
 * that cannot commit or that would leave the cluster without a working majority.
 *
 * <ol>
 *   <li>the new configuration is not empty and has no duplicate id or address;</li>
 *   <li>a member kept keeps its address (to move a member: remove it, then add it);</li>
 *   <li>at most one member added and at most one removed (a replace is one of each);</li>
 *   <li>a majority of the current configuration is reachable now (else nothing can commit);</li>
 *   <li>a majority of the new configuration is reachable, counting an added member as reachable: Ratis stages it
 *       and switches the configuration only once it has caught up with the log.</li>
 * </ol>
 */
final class MembershipRules {
    private MembershipRules() {}

    /** Empty when allowed; otherwise the refusal. {@code reachable}: ids heard from recently (the leader included). */
    static Optional<String> refusal(List<RaftMember> current, List<RaftMember> proposed, Set<String> reachable) {
        if (proposed.isEmpty()) {
            return Optional.of("the new configuration would have no member");
        }
        Set<String> ids = new HashSet<>();
        Set<String> addresses = new HashSet<>();
        for (RaftMember m : proposed) {
            if (!ids.add(m.id())) {
                return Optional.of("member " + m.id() + " is named twice");
            }
            if (!addresses.add(m.address())) {
                return Optional.of("address " + m.address() + " is used by two members");
            }
        }
        Map<String, RaftMember> now = byId(current);
        Map<String, RaftMember> next = byId(proposed);
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (RaftMember m : proposed) {
            RaftMember old = now.get(m.id());
            if (old == null) {
                added.add(m.id());
            } else if (!old.address().equals(m.address())) {
                return Optional.of("member " + m.id() + " is at " + old.address() + ", not " + m.address()
                        + ": remove it, then add it with its new address");
            }
        }
        for (RaftMember m : current) {
            if (!next.containsKey(m.id())) {
                removed.add(m.id());
            }
        }
        if (added.size() > 1 || removed.size() > 1) {
            return Optional.of("change one member at a time: this adds " + added + " and removes " + removed);
        }
        List<String> unreachableNow = unreachable(current, reachable);
        if ((current.size() - unreachableNow.size()) * 2 <= current.size()) {
            return Optional.of("the cluster has no reachable majority now (" + (current.size() - unreachableNow.size())
                    + " of " + current.size() + " reachable; unreachable: " + unreachableNow + ")");
        }
        int reachableNext = 0;
        List<String> unreachableNext = new ArrayList<>();
        for (RaftMember m : proposed) {
            if (added.contains(m.id()) || reachable.contains(m.id())) {
                reachableNext++;
            } else {
                unreachableNext.add(m.id());
            }
        }
        if (reachableNext * 2 <= proposed.size()) {
            return Optional.of("the change would leave no majority: " + reachableNext + " of " + proposed.size()
                    + " members of the new configuration reachable (unreachable: " + unreachableNext + ")");
        }
        return Optional.empty();
    }

    private static List<String> unreachable(List<RaftMember> members, Set<String> reachable) {
        List<String> out = new ArrayList<>();
        for (RaftMember m : members) {
            if (!reachable.contains(m.id())) {
                out.add(m.id());
            }
        }
        return out;
    }

    static Map<String, RaftMember> byId(List<RaftMember> members) {
        Map<String, RaftMember> m = new HashMap<>();
        for (RaftMember x : members) {
            m.put(x.id(), x);
        }
        return m;
    }
}
