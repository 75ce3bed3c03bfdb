package org.sipmediadeploy.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.model.ProbeStatus;
import org.sipmediadeploy.core.state.ClusterState;
import org.sipmediadeploy.core.state.Transitions;

class CodecTest {
    private static final int SEEDS = 300;

    @Test
    void everyCommandKindRoundTripsOverGeneratedValues() {
        Set<Class<?>> seen = new HashSet<>();
        for (long seed = 0; seed < SEEDS; seed++) {
            Gen g = new Gen(seed);
            for (int kind = 0; kind < Gen.COMMAND_KINDS; kind++) {
                Command c = g.command(kind);
                assertEquals(c, Codec.decodeCommand(Codec.encodeCommand(c)), "seed " + seed);
                seen.add(c.getClass());
            }
        }
        assertEquals(Command.class.getPermittedSubclasses().length, seen.size());
    }

    @Test
    void everyDecisionKindRoundTripsInsideAPropose() {
        Set<Class<?>> seen = new HashSet<>();
        for (long seed = 0; seed < SEEDS; seed++) {
            Gen g = new Gen(seed);
            for (int kind = 0; kind < Gen.DECISION_KINDS; kind++) {
                Command c = new Command.Propose(g.decision(kind), g.term(), g.instant());
                assertEquals(c, Codec.decodeCommand(Codec.encodeCommand(c)), "seed " + seed);
                seen.add(((Command.Propose) c).decision().getClass());
            }
        }
        assertEquals(Decision.class.getPermittedSubclasses().length, seen.size());
    }

    @Test
    void wholeStatesRoundTripOverGeneratedValues() {
        for (long seed = 0; seed < SEEDS; seed++) {
            ClusterState s = new Gen(seed).state();
            assertEquals(s, Codec.decodeState(Codec.encodeState(s)), "seed " + seed);
        }
        assertEquals(ClusterState.empty(), Codec.decodeState(Codec.encodeState(ClusterState.empty())));
    }

    @Test
    void aStateWrittenBeforeSelfHealingDecodesWithAnEmptyScalerRecord() {
        String json = "{\"v\":1,\"type\":\"ClusterState\",\"body\":{\"pairs\":{},\"pools\":{},\"open\":{},"
                + "\"history\":[],\"highestTerm\":7}}";
        ClusterState s = Codec.decodeState(bytes(json));
        assertEquals(7, s.highestTerm());
        assertEquals(org.sipmediadeploy.core.model.ScalerMembers.EMPTY, s.scalers());
        assertEquals(java.util.Map.of(), s.alarms(), "no replicated alarms before they existed");
    }

    @Test
    void aPoolWrittenBeforeArrivalsWereReplicatedDecodesWithNoLearntDemand() {
        String json = "{\"v\":1,\"type\":\"ClusterState\",\"body\":{\"pairs\":{},\"pools\":{\"gw\":{\"name\":\"gw\","
                + "\"mode\":\"AUTO\",\"hosts\":{},\"createFailures\":0,\"backoffUntil\":null}},\"open\":{},"
                + "\"history\":[],\"highestTerm\":7}}";
        ClusterState s = Codec.decodeState(bytes(json));
        assertEquals(
                org.sipmediadeploy.core.model.ArrivalHistory.EMPTY,
                s.pool("gw").orElseThrow().arrivals());
    }

    @Test
    void anArrivalHistoryOfAnUnknownFormatIsRefusedNotMisread() {
        ClusterState s = Transitions.apply(
                        Transitions.apply(ClusterState.empty(), new Command.InitPool("gw", 1, Instant.EPOCH), 1)
                                .state(),
                        new Command.RecordArrivals("gw", 29_000_000, 12, 1, Instant.EPOCH),
                        2)
                .state();
        String json = new String(Codec.encodeState(s), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(json.contains("\"format\":1"), json.substring(0, 300));
        CodecException e = assertThrows(
                CodecException.class, () -> Codec.decodeState(bytes(json.replace("\"format\":1", "\"format\":2"))));
        assertTrue(e.getMessage().contains("arrival history format 2"), e.getMessage());
    }

    @Test
    void encodingCarriesVersionAndWireTypeName() {
        Command c = new Command.InitPool("gw", 3, Instant.parse("2026-01-01T00:00:00Z"));
        String json = new String(Codec.encodeCommand(c), StandardCharsets.UTF_8);
        assertTrue(json.startsWith("{\"v\":1,\"type\":\"InitPool\",\"body\":{"), json);
    }

    @Test
    void unknownVersionIsRefusedNamingIt() {
        String json =
                "{\"v\":2,\"type\":\"InitPool\",\"body\":{\"pool\":\"gw\",\"term\":1,\"at\":\"2026-01-01T00:00:00Z\"}}";
        CodecException e = assertThrows(CodecException.class, () -> Codec.decodeCommand(bytes(json)));
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
    }

    @Test
    void missingVersionIsRefused() {
        String json = "{\"type\":\"InitPool\",\"body\":{}}";
        assertThrows(CodecException.class, () -> Codec.decodeCommand(bytes(json)));
    }

    @Test
    void unknownCommandTypeIsRefusedNamingIt() {
        String json = "{\"v\":1,\"type\":\"DeleteEverything\",\"body\":{}}";
        CodecException e = assertThrows(CodecException.class, () -> Codec.decodeCommand(bytes(json)));
        assertTrue(e.getMessage().contains("DeleteEverything"), e.getMessage());
    }

    @Test
    void unknownDecisionKindIsRefusedNamingIt() {
        String json = "{\"v\":1,\"type\":\"Propose\",\"body\":{\"decision\":{\"kind\":\"Teleport\",\"id\":\"d1-1\","
                + "\"reason\":\"r\"},\"term\":1,\"at\":\"2026-01-01T00:00:00Z\"}}";
        CodecException e = assertThrows(CodecException.class, () -> Codec.decodeCommand(bytes(json)));
        assertTrue(e.getMessage().contains("Teleport"), e.getMessage());
    }

    @Test
    void unknownFieldIsRefusedRatherThanDropped() {
        String json = "{\"v\":1,\"type\":\"InitPool\",\"body\":{\"pool\":\"gw\",\"term\":1,"
                + "\"at\":\"2026-01-01T00:00:00Z\",\"force\":true}}";
        CodecException e = assertThrows(CodecException.class, () -> Codec.decodeCommand(bytes(json)));
        assertTrue(e.getMessage().contains("force"), e.getMessage());
    }

    @Test
    void invalidValueIsRefusedByTheRecordItself() {
        String json = "{\"v\":1,\"type\":\"RecordOutcome\",\"body\":{\"decisionId\":\"d1-1\",\"outcome\":\"PENDING\","
                + "\"detail\":\"\",\"facts\":{},\"term\":1,\"at\":\"2026-01-01T00:00:00Z\"}}";
        CodecException e = assertThrows(CodecException.class, () -> Codec.decodeCommand(bytes(json)));
        assertTrue(e.getMessage().contains("PENDING"), e.getMessage());
    }

    @Test
    void stateBytesAreNotACommand() {
        byte[] state = Codec.encodeState(ClusterState.empty());
        CodecException e = assertThrows(CodecException.class, () -> Codec.decodeCommand(state));
        assertTrue(e.getMessage().contains("ClusterState"), e.getMessage());
    }

    @Test
    void garbageIsRefused() {
        assertThrows(CodecException.class, () -> Codec.decodeCommand(bytes("not json")));
        assertThrows(CodecException.class, () -> Codec.decodeState(bytes("[1,2]")));
    }

    @Test
    void probeAnswersAndRepliesRoundTrip() {
        for (ProbeStatus s : ProbeStatus.values()) {
            assertEquals(s, Codec.decodeProbeAnswer(Codec.encodeProbeAnswer(s)));
        }
        assertNull(Codec.decodeProbeAnswer(Codec.encodeProbeAnswer(null)));
        assertEquals(
                "sip-udp://127.0.1.1:5060", Codec.decodeProbeQuery(Codec.encodeProbeQuery("sip-udp://127.0.1.1:5060")));
        Codec.CommitReply r = new Codec.CommitReply(7, 2, "stale term 1 < 2");
        assertEquals(r, Codec.decodeReply(Codec.encodeReply(r)));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
