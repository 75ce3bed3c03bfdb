package org.sipmediadeploy.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.sipmediadeploy.core.model.ArrivalHistory;

/** The forecast stays within what was seen, and a one-off surprise does not haunt the days after it. */
class DemandForecastPropertiesTest {
    private static final ZoneId UTC = ZoneId.of("UTC");
    /** Monday 2026-01-05 00:00 UTC, in minutes. */
    private static final long MONDAY = Instant.parse("2026-01-05T00:00:00Z").getEpochSecond() / 60;

    private static final Duration WINDOW = Duration.ofSeconds(125);

    /**
     * Days from Monday of {@code burst} calls at :00 and :30 from 08:00 to 17:00 and {@code trickle} a minute between,
     * up to {@code minutes} minutes in all (built at once: recording minute by minute copies the ring each time).
     */
    private static ArrivalHistory days(long minutes, int burst, int trickle) {
        int[] counts = new int[ArrivalHistory.SLOTS];
        for (long m = MONDAY; m < MONDAY + minutes; m++) {
            counts[(int) Math.floorMod(m, (long) ArrivalHistory.SLOTS)] = office(m, burst, trickle);
        }
        return new ArrivalHistory(ArrivalHistory.FORMAT, MONDAY, MONDAY + minutes - 1, counts);
    }

    private static int office(long m, int burst, int trickle) {
        long ofDay = Math.floorMod(m - MONDAY, 1440L);
        return ofDay < 8 * 60 || ofDay >= 17 * 60 ? 0 : ofDay % 30 == 0 ? burst : trickle;
    }

    private static Instant at(long minute, int second) {
        return Instant.ofEpochSecond(minute * 60 + second);
    }

    @Property(tries = 40)
    void theForecastIsNeverNegativeNorAboveTheMostSeenTimesItsBounds(
            @ForAll @IntRange(min = 0, max = 120) int burst,
            @ForAll @IntRange(min = 0, max = 10) int trickle,
            @ForAll @IntRange(min = 1, max = 7) int daysSeen,
            @ForAll @IntRange(min = 0, max = 1439) int minuteOfDay,
            @ForAll @IntRange(min = 0, max = 59) int second) {
        ArrivalHistory h = days(daysSeen * 1440L, burst, trickle);
        long now = MONDAY + daysSeen * 1440L + minuteOfDay;
        int f = DemandForecast.of(h, at(now, second), WINDOW, UTC).calls();
        int mostInAWindow = burst + 2 * trickle;
        double bound = DemandForecast.MARGIN * DemandForecast.MAX_RATIO * DemandForecast.MAX_RATIO * mostInAWindow;
        assertTrue(f >= 0 && f <= Math.ceil(bound), "forecast " + f + " above " + bound);
    }

    @Property(tries = 40)
    void aSurpriseBurstIsForgottenOnceTheDaysAfterItOutnumberIt(
            @ForAll @IntRange(min = 50, max = 400) int surprise,
            @ForAll @IntRange(min = 0, max = 1437) int askedMinute,
            @ForAll @IntRange(min = 0, max = 2) int offset) {
        // The surprise falls in the window asked about, a week earlier: the one place it could still count.
        int surpriseMinute = askedMinute + offset;
        // Monday to Friday of one week plus the next Monday; the surprise on the first Monday.
        // A week and the next Monday up to now; the surprise on the first Monday. Next Monday, Tuesday to Friday
        // are four calm weekdays against the one surprised Monday.
        ArrivalHistory calmLater = days(7 * 1440L + askedMinute, 60, 3);
        ArrivalHistory later = calmLater.record(MONDAY + surpriseMinute, surprise);
        Instant now = at(MONDAY + 7 * 1440L + askedMinute, 0);
        assertEquals(
                DemandForecast.of(calmLater, now, WINDOW, UTC).calls(),
                DemandForecast.of(later, now, WINDOW, UTC).calls(),
                "a week later the surprise no longer counts");
    }
}
