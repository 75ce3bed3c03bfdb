package org.sipmediadeploy.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class TracesTest {
    @Test
    void readsIsoInstants() {
        List<Call> calls = Traces.parse("2026-03-02T09:00:00Z,2026-03-02T09:05:00Z\n"
                + "2026-03-02T09:01:00.250Z,2026-03-02T09:02:00Z\n");
        assertEquals(List.of(new Call(Instant.parse("2026-03-02T09:00:00Z"), Instant.parse("2026-03-02T09:05:00Z")),
                new Call(Instant.parse("2026-03-02T09:01:00.250Z"), Instant.parse("2026-03-02T09:02:00Z"))), calls);
    }

    @Test
    void readsSecondsFromTheTraceStartWithFractions() {
        List<Call> calls = Traces.parse("0,60\n30.5,90\n");
        assertEquals(2, calls.size());
        Instant origin = calls.get(0).start();
        assertEquals(Duration.ofSeconds(60), Duration.between(origin, calls.get(0).end()));
        assertEquals(Duration.ofMillis(30_500), Duration.between(origin, calls.get(1).start()));
        assertEquals(Duration.ofSeconds(90), Duration.between(origin, calls.get(1).end()));
    }

    @Test
    void skipsAHeaderCommentsAndBlankLinesAndAcceptsCrLf() {
        List<Call> calls = Traces.parse("start,end\r\n# busy hour\r\n\r\n0,10\r\n  # indented comment\r\n5,15\r\n");
        assertEquals(2, calls.size());
    }

    @Test
    void headerMayFollowLeadingComments() {
        List<Call> calls = Traces.parse("# recorded on gw-3, 2026-01-05\n\nstart,end\n0,10\n");
        assertEquals(1, calls.size());
    }

    @Test
    void sortsCallsByStart() {
        List<Call> calls = Traces.parse("50,60\n0,10\n20,30\n");
        assertTrue(calls.get(0).start().isBefore(calls.get(1).start()));
        assertTrue(calls.get(1).start().isBefore(calls.get(2).start()));
    }

    @Test
    void extraColumnsAreIgnored() {
        assertEquals(1, Traces.parse("0,10,caller@example.org\n").size());
    }

    @Test
    void lineWithOneFieldIsAnErrorNamingTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Traces.parse("0,10\n5\n"));
        assertEquals("trace line 2: expected start,end but got '5'", e.getMessage());
    }

    @Test
    void unreadableTimeIsAnErrorNamingTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Traces.parse("start,end\n0,10\n# c\nsoon,later\n"));
        assertTrue(e.getMessage().startsWith("trace line 4: "), e.getMessage());
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class, () -> Traces.parse("0,1x\n"));
        assertTrue(n.getMessage().startsWith("trace line 1: "), n.getMessage());
    }

    @Test
    void callEndingBeforeItStartsIsAnErrorNamingTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Traces.parse("0,10\n20,10\n"));
        assertTrue(e.getMessage().startsWith("trace line 2: call ends"), e.getMessage());
    }

    @Test
    void emptyTraceHasNoCalls() {
        assertEquals(List.of(), Traces.parse(""));
        assertEquals(List.of(), Traces.parse("start,end\n# nothing\n"));
    }
}
