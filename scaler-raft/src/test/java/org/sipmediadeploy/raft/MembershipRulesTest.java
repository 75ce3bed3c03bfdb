package org.sipmediadeploy.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MembershipRulesTest {
    private static final RaftMember N1 = new RaftMember("n1", "127.65.1.1:9870");
    private static final RaftMember N2 = new RaftMember("n2", "127.65.1.2:9870");
    private static final RaftMember N3 = new RaftMember("n3", "127.65.1.3:9870");
    private static final RaftMember N4 = new RaftMember("n4", "127.65.1.4:9870");
    private static final List<RaftMember> THREE = List.of(N1, N2, N3);
    private static final Set<String> ALL = Set.of("n1", "n2", "n3");

    private static String refusal(List<RaftMember> next, Set<String> reachable) {
        Optional<String> r = MembershipRules.refusal(THREE, next, reachable);
        return r.orElse(null);
    }

    @Test
    void addingOneReachableClusterMemberIsAllowed() {
        assertEquals(null, refusal(List.of(N1, N2, N3, N4), ALL));
    }

    @Test
    void replacingADeadMemberWhileTwoOfThreeAreReachableIsAllowed() {
        assertEquals(null, refusal(List.of(N1, N2, N4), Set.of("n1", "n2")));
    }

    @Test
    void removingTheDeadMemberIsAllowedButRemovingALiveOneBesideADeadOneIsNot() {
        assertEquals(null, refusal(List.of(N1, N2), Set.of("n1", "n2")));
        String r = refusal(List.of(N1, N3), Set.of("n1", "n2"));
        assertTrue(r.contains("no majority") && r.contains("[n3]"), r);
    }

    @Test
    void nothingIsChangedWithoutAReachableMajorityNow() {
        String r = refusal(List.of(N1, N2, N3, N4), Set.of("n1"));
        assertTrue(r.contains("no reachable majority now"), r);
    }

    @Test
    void addingAFourthBesideTwoDeadMembersIsRefused() {
        // 2 of 4 (n1 and the new n4) would not be a majority.
        String r = MembershipRules.refusal(List.of(N1, N2, N3), List.of(N1, N2, N3, N4), Set.of("n1", "n2"))
                .orElse(null);
        assertEquals(null, r, "2 reachable + the staged n4 = 3 of 4");
        String r2 = MembershipRules.refusal(List.of(N1, N2), List.of(N1, N2, N4), Set.of("n1"))
                .orElse(null);
        assertTrue(r2.contains("no reachable majority now"), r2);
    }

    @Test
    void moreThanOneMemberChangedAtOnceIsRefused() {
        RaftMember n5 = new RaftMember("n5", "127.65.1.5:9870");
        assertTrue(refusal(List.of(N1, N2, N3, N4, n5), ALL).contains("one member at a time"));
        assertTrue(refusal(List.of(N1), ALL).contains("one member at a time"));
    }

    @Test
    void duplicateIdsOrAddressesAndMovedAddressesAreRefused() {
        assertTrue(refusal(List.of(N1, N2, N3, N1), ALL).contains("named twice"));
        assertTrue(refusal(List.of(N1, N2, N3, new RaftMember("n4", N3.address())), ALL)
                .contains("used by two"));
        assertTrue(refusal(List.of(N1, N2, new RaftMember("n3", "127.65.1.9:9870")), ALL)
                .contains("remove it, then add it"));
        assertTrue(refusal(List.of(), ALL).contains("no member"));
    }

    @Test
    void malformedMembersAreRejectedWithTheirProblem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RaftMember("n 1", "h:1"))
                .getMessage()
                .contains("member id"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RaftMember("n1", "nohost"))
                .getMessage()
                .contains("host:port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RaftMember("n1", "h:70000"))
                .getMessage()
                .contains("1..65535"));
    }
}
