package org.sipmediadeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CleanStateTest {
    private static final List<CleanState.Member> MEMBERS = List.of(
            new CleanState.Member("kam-a", true, false, "NORMAL"),
            new CleanState.Member("kam-b", true, false, "NORMAL"));

    private static List<CleanState.Node> nodes(long applied1, long applied2, long applied3) {
        return List.of(
                new CleanState.Node("scaler-1", true, true, "scaler-2", applied1),
                new CleanState.Node("scaler-2", true, true, "scaler-2", applied2),
                new CleanState.Node("scaler-3", true, true, "scaler-2", applied3));
    }

    private static CleanState clean() {
        return new CleanState(List.of(), List.of(), List.of(), 57, nodes(57, 58, 57), MEMBERS, List.of());
    }

    private static String only(CleanState s) {
        List<String> d = s.dirt();
        assertEquals(1, d.size(), d.toString());
        return d.get(0);
    }

    @Test
    void aClusterWithNoFaultAllNodesFollowingOneLeaderAndCaughtUpIsClean() {
        assertEquals(List.of(), clean().dirt());
    }

    @Test
    void aNodeWhoseHistoryIsBehindTheLeadersCommitIndexIsAStalledRejoin() {
        CleanState s = new CleanState(List.of(), List.of(), List.of(), 57, nodes(40, 58, 57), MEMBERS, List.of());
        String d = only(s);
        assertTrue(d.startsWith("scaler-1 has applied up to index 40, behind the leader's commit index 57"), d);
    }

    @Test
    void armedApiFaultsPathFaultsAndNodeCutsAreDirt() {
        CleanState s = new CleanState(
                List.of("timeout floatingip.update"),
                List.of("kam-a <- 127.82.30.1: DROP"),
                List.of("nftables table inet sipmd_e2e_b82"),
                57,
                nodes(57, 57, 57),
                MEMBERS,
                List.of());
        List<String> d = s.dirt();
        assertEquals(3, d.size(), d.toString());
        assertTrue(d.get(0).contains("API faults"), d.toString());
        assertTrue(d.get(1).contains("path faults"), d.toString());
        assertTrue(d.get(2).contains("node cuts"), d.toString());
    }

    @Test
    void aStoppedOrSilentNodeIsDirt() {
        List<CleanState.Node> n = new ArrayList<>(nodes(57, 57, 57));
        n.set(0, CleanState.Node.silent("scaler-1", false));
        assertEquals(
                "scaler-1 is not running (killed, stopped or frozen)",
                only(new CleanState(List.of(), List.of(), List.of(), 57, n, MEMBERS, List.of())));
        n.set(0, CleanState.Node.silent("scaler-1", true));
        assertEquals(
                "scaler-1 does not answer its status",
                only(new CleanState(List.of(), List.of(), List.of(), 57, n, MEMBERS, List.of())));
    }

    @Test
    void nodesNamingDifferentLeadersOrNoneHaveNoLeader() {
        List<CleanState.Node> n = new ArrayList<>(nodes(57, 57, 57));
        n.set(0, new CleanState.Node("scaler-1", true, true, "scaler-1", 57));
        assertTrue(only(new CleanState(List.of(), List.of(), List.of(), 57, n, MEMBERS, List.of()))
                .startsWith("no leader every answering node names"));
        List<CleanState.Node> none = List.of(
                new CleanState.Node("scaler-1", true, true, "", 3),
                new CleanState.Node("scaler-2", true, true, "", 3),
                new CleanState.Node("scaler-3", true, true, "", 3));
        assertTrue(only(new CleanState(List.of(), List.of(), List.of(), -1, none, MEMBERS, List.of()))
                .startsWith("no leader"));
    }

    @Test
    void aDeadFrozenOrCutPairMemberIsDirt() {
        for (CleanState.Member m : List.of(
                new CleanState.Member("kam-a", false, false, "NORMAL"),
                new CleanState.Member("kam-a", true, true, "NORMAL"),
                new CleanState.Member("kam-a", true, false, "DROP"))) {
            String d = only(new CleanState(
                    List.of(), List.of(), List.of(), 57, nodes(57, 57, 57), List.of(m, MEMBERS.get(1)), List.of()));
            assertTrue(d.startsWith("pair member kam-a"), d);
        }
    }

    @Test
    void anOpenDecisionIsDirt() {
        String d = only(new CleanState(
                List.of(), List.of(), List.of(), 57, nodes(57, 57, 57), MEMBERS, List.of("4-12-scaler-2 (Failover)")));
        assertEquals("decisions still open: [4-12-scaler-2 (Failover)]", d);
    }
}
