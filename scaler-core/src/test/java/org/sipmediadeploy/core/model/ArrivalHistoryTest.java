package org.sipmediadeploy.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ArrivalHistoryTest {
    private static final long M = 29_000_000;

    @Test
    void recordsAddUpPerMinuteAndSkippedMinutesReadAsNoCall() {
        ArrivalHistory h = ArrivalHistory.EMPTY.record(M, 3).record(M, 2).record(M + 5, 7);
        assertEquals(5, h.at(M));
        assertEquals(0, h.at(M + 3), "a minute passed without a record had no call");
        assertEquals(7, h.at(M + 5));
        assertEquals(12, h.sum(M, 6));
        assertEquals(M, h.firstMinute());
        assertEquals(M + 5, h.lastMinute());
    }

    @Test
    void minutesBeforeTheFirstOrAfterTheLastAreUnknownNotZero() {
        ArrivalHistory h = ArrivalHistory.EMPTY.record(M, 3);
        assertEquals(-1, h.at(M - 1));
        assertEquals(-1, h.at(M + 1));
        assertEquals(-1, h.sum(M - 1, 2), "a window that is partly unknown is unknown");
        assertEquals(-1, ArrivalHistory.EMPTY.at(M));
    }

    @Test
    void theRingKeepsOnlyTheLastDaysAndIgnoresOlderRecords() {
        ArrivalHistory h = ArrivalHistory.EMPTY.record(M, 9).record(M + ArrivalHistory.SLOTS, 4);
        assertEquals(-1, h.at(M), "overwritten by the minute one ring later");
        assertEquals(4, h.at(M + ArrivalHistory.SLOTS));
        assertEquals(0, h.at(M + 1));
        assertSame(h, h.record(M, 5), "a minute older than the ring can no longer matter");
        assertTrue(h.covers(ArrivalHistory.SLOTS));
    }

    @Test
    void coversSaysHowMuchIsKnown() {
        ArrivalHistory h = ArrivalHistory.EMPTY.record(M, 1).record(M + 1439, 1);
        assertTrue(h.covers(1440));
        assertFalse(h.covers(1441));
        assertFalse(ArrivalHistory.EMPTY.covers(1));
    }

    @Test
    void anUnknownFormatOrAWrongSizeIsRefused() {
        IllegalArgumentException f = assertThrows(
                IllegalArgumentException.class, () -> new ArrivalHistory(2, -1, -1, new int[ArrivalHistory.SLOTS]));
        assertTrue(f.getMessage().contains("format 2"), f.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ArrivalHistory(1, -1, -1, new int[10]));
    }

    @Test
    void valuesAreImmutableAndCompareByContent() {
        int[] counts = new int[ArrivalHistory.SLOTS];
        ArrivalHistory h = new ArrivalHistory(1, 0, 0, counts);
        counts[0] = 99;
        assertEquals(0, h.at(0));
        h.counts()[0] = 99;
        assertEquals(0, h.at(0));
        assertEquals(ArrivalHistory.EMPTY.record(M, 2), ArrivalHistory.EMPTY.record(M, 2));
    }
}
