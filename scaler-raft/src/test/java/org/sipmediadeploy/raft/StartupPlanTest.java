package org.sipmediadeploy.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.storage.RaftStorage;
import org.junit.jupiter.api.Test;

/** Every row of the start-up table of {@link StartupPlan}: what a node starts with, or why it refuses. */
class StartupPlanTest {
    private static final RaftSettings N3 = RaftSettings.of(
            "c",
            "n3",
            Map.of("n1", "127.0.0.1:9001", "n2", "127.0.0.1:9002", "n3", "127.0.0.1:9003"),
            Path.of("/var/lib/scaler/raft"));
    private static final boolean FRESH = true;
    private static final boolean HAS_LOG = false;

    private static RaftPeer peer(String id, String address) {
        return RaftPeer.newBuilder().setId(id).setAddress(address).build();
    }

    private static Optional<ConfigurationDiscovery.Discovered> answer(boolean conclusive, RaftPeer... peers) {
        return Optional.of(new ConfigurationDiscovery.Discovered("n1", List.of(peers), conclusive));
    }

    private static List<String> ids(List<RaftPeer> peers) {
        return peers.stream().map(p -> p.getId().toString()).sorted().toList();
    }

    @Test
    void firstStartOfTheClusterFormatsWithTheConfiguredPeers() throws Exception {
        StartupPlan plan = StartupPlan.decide(N3, FRESH, false, Optional.empty());
        assertEquals(StartupPlan.Kind.CONFIGURED_PEERS, plan.kind());
        assertEquals(RaftStorage.StartupOption.FORMAT, plan.option());
        assertEquals(List.of("n1", "n2", "n3"), ids(plan.startPeers()));
        assertFalse(plan.joining());
    }

    @Test
    void aNodeWithALogAndNoAnswerRecoversWithTheConfiguredPeers() throws Exception {
        StartupPlan plan = StartupPlan.decide(N3, HAS_LOG, true, Optional.empty());
        assertEquals(StartupPlan.Kind.CONFIGURED_PEERS, plan.kind());
        assertEquals(RaftStorage.StartupOption.RECOVER, plan.option());
        assertEquals(List.of("n1", "n2", "n3"), ids(plan.startPeers()));
    }

    @Test
    void aMemberStartsWithTheCurrentConfigurationWhateverTheConfigFileLists() throws Exception {
        StartupPlan plan = StartupPlan.decide(
                N3, HAS_LOG, false, answer(true, peer("n3", "127.0.0.1:9003"), peer("n4", "127.0.0.1:9004")));
        assertEquals(StartupPlan.Kind.CURRENT_CONFIGURATION, plan.kind());
        assertEquals(List.of("n3", "n4"), ids(plan.startPeers()));
        assertEquals(plan.startPeers(), plan.clientPeers());
    }

    @Test
    void aMemberConfiguredAtAnotherAddressIsRefusedWithTheWayOut() {
        NotAMemberException e = assertThrows(
                NotAMemberException.class,
                () -> StartupPlan.decide(N3, FRESH, false, answer(true, peer("n3", "127.0.0.1:7777"))));
        assertTrue(e.getMessage().contains("127.0.0.1:7777"), e.getMessage());
        assertTrue(e.getMessage().contains("scalerctl members remove n3"), e.getMessage());
    }

    @Test
    void aFreshNodeOutsideTheConfigurationStartsEmptyAndTalksToThatConfiguration() throws Exception {
        StartupPlan plan = StartupPlan.decide(
                N3, FRESH, false, answer(true, peer("n1", "127.0.0.1:9001"), peer("n2", "127.0.0.1:9002")));
        assertEquals(StartupPlan.Kind.JOINING, plan.kind());
        assertTrue(plan.joining());
        assertEquals(List.of(), plan.startPeers());
        assertEquals(List.of("n1", "n2"), ids(plan.clientPeers()));
    }

    @Test
    void aFreshNodeActsEvenOnAnInconclusiveAnswer() throws Exception {
        StartupPlan plan = StartupPlan.decide(N3, FRESH, false, answer(false, peer("n1", "127.0.0.1:9001")));
        assertEquals(StartupPlan.Kind.JOINING, plan.kind());
    }

    @Test
    void aNodeWithALogIgnoresAnInconclusiveAnswer() throws Exception {
        StartupPlan plan = StartupPlan.decide(N3, HAS_LOG, false, answer(false, peer("n1", "127.0.0.1:9001")));
        assertEquals(StartupPlan.Kind.CONFIGURED_PEERS, plan.kind());
        assertEquals(List.of("n1", "n2", "n3"), ids(plan.startPeers()));
    }

    @Test
    void aNodeWithTheLogOfAnEarlierMembershipIsRefusedWithTheWayBack() {
        NotAMemberException e = assertThrows(
                NotAMemberException.class,
                () -> StartupPlan.decide(N3, HAS_LOG, false, answer(true, peer("n1", "127.0.0.1:9001"))));
        assertTrue(e.getMessage().contains("earlier membership"), e.getMessage());
        assertTrue(e.getMessage().contains("scalerctl members add n3 127.0.0.1:9003"), e.getMessage());
    }

    @Test
    void aFreshJoinOnlyNodeThatHearsNoLeaderStartsEmptyAndTalksToTheOthers() throws Exception {
        StartupPlan plan = StartupPlan.decide(N3, FRESH, true, Optional.empty());
        assertEquals(StartupPlan.Kind.JOIN_ONLY, plan.kind());
        assertEquals(List.of(), plan.startPeers());
        assertEquals(List.of("n1", "n2"), ids(plan.clientPeers()));
    }
}
