package org.sipmediadeploy.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.Fixtures;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.sim.ReferenceRules.Threshold;
import org.sipmediadeploy.core.sim.ReferenceRules.ThresholdTable;

/** Each reference rule on a small trace worked out by hand (1 gateway per host, hosts boot in 30 s, 60 s polls). */
class ReferenceRulesTest {
    private static final PoolConfig ONE_PER_HOST = Fixtures.poolCfg()
            .capacity(1)
            .min(0)
            .max(50)
            .spare(0)
            .scaleInAfter(Duration.ofSeconds(60))
            .build();

    private static SimReport replay(String trace, PoolStrategy rule) {
        return new TraceSimulator(ONE_PER_HOST, Duration.ofSeconds(30)).run(Fixtures.calls(trace), rule);
    }

    @Test
    void simpleScaleVmKeepsMinIdleOrCreatingAndDeletesAHostWhenItsCallEnds() {
        SimReport r = replay("""
                0,30       no host yet: rejected
                100,400    h1 (at 60 s: idle 0 + creating 0 < 2, two hosts created, ready at 90 s)
                110,200    h2
                120,130    h1 and h2 are used, the two created at 120 s answer at 150 s: rejected
                160,170    h3, deleted at 170 s; at 180 s idle 1 < 2: one more created
                """, ReferenceRules.simpleScaleVm2022(ONE_PER_HOST, 2));
        assertEquals("simplescalevm-2022", r.strategy());
        assertEquals(2, r.rejected());
        assertEquals(5, r.creates());
        assertEquals(3, r.deletes(), "h3 at 170 s, h2 at 200 s, h1 at 400 s; idle hosts are never deleted");
        assertEquals(0, r.busyDeleted());
    }

    @Test
    void sipMediaGwV15GrowsToUnlockedMinThenToInCallOverLoadMaxAndDeletesIdleHostsDownToTarget() {
        ThresholdTable table = new ThresholdTable(List.of(new Threshold(LocalTime.MIDNIGHT, 1, 0.5)), ZoneId.of("UTC"));
        SimReport r = replay("""
                0,1000     no host yet: rejected; at 60 s ready 0 < 1: h1
                100,1000   h1; at 120 s ready 0 < 1: h2, current 2 = target max(1 + 1, 1 / 0.5)
                130,1000   h2 answers at 150 s: rejected
                160,1000   h2; at 180 s h3 (ready < 1), current 3 < target max(3, 2 / 0.5) = 4: h4
                220,300    h3; at 240 s ready 1, busy 3, target 6: h5 and h6
                """, ReferenceRules.sipMediaGwV15(ONE_PER_HOST, table));
        // At 300 s: busy 2, 4 idle, target max(3, 4) = 4: the two newest idle hosts go; after 1000 s three more.
        assertEquals("sipmediagw-v1.5", r.strategy());
        assertEquals(2, r.rejected());
        assertEquals(6, r.creates());
        assertEquals(6, r.peakHosts());
        assertEquals(5, r.deletes());
        assertEquals(0, r.busyDeleted());
    }

    @Test
    void sampleTableIsReadInLocalTimeFromTheLatestLineStarted() {
        ThresholdTable t = ThresholdTable.sample(ZoneId.of("Europe/Paris"));
        assertEquals(new Threshold(LocalTime.of(9, 0), 8, 0.75), t.at(Instant.parse("2026-01-05T08:00:00Z")));
        assertEquals(new Threshold(LocalTime.of(7, 0), 4, 0.75), t.at(Instant.parse("2026-01-05T07:59:59Z")));
        assertEquals(new Threshold(LocalTime.of(12, 30), 4, 0.8), t.at(Instant.parse("2026-01-05T11:45:00Z")));
        assertEquals(new Threshold(LocalTime.of(20, 0), 2, 0.9), t.at(Instant.parse("2026-01-05T22:59:00Z")));
        assertEquals(new Threshold(LocalTime.MIDNIGHT, 2, 0.9), t.at(Instant.parse("2026-01-05T23:00:00Z")));
    }

    @Test
    void aTableWithoutAMidnightLineIsRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new ThresholdTable(List.of(new Threshold(LocalTime.of(7, 0), 4, 0.75)), ZoneId.of("UTC")));
    }
}
