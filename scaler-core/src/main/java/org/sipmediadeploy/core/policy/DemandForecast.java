package org.sipmediadeploy.core.policy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.sipmediadeploy.core.model.ArrivalHistory;

/**
 * Forecasts the calls arriving in the next boot window from the replicated {@link ArrivalHistory}, so that hosts
 * are ready before the :00 and :30 meeting starts instead of booting after them. Two kinds of sample, each the
 * calls that arrived in a window of the same length:
 * <ul>
 *   <li>the same time of day on earlier days of the same kind (weekday or weekend), scaled by how busy today has
 *       been over the last two hours compared with that day (a quiet day or a busier one);</li>
 *   <li>the same minute of the half-hour earlier today (the last two hours), scaled by today's trend, which is
 *       what a cold start or a day unlike the others still has.</li>
 * </ul>
 * The forecast is a high quantile ({@link #QUANTILE}) of the earlier days, the largest of today's phases, never a
 * mean, raised by {@link #MARGIN}: a missed burst rejects calls, an early host costs only minutes. With five or more
 * earlier days the quantile drops a one-off surprise instead of repeating it every day at that time. The numbers
 * come from replaying the shipped production-shaped traces (bench/results/trace-replay.md).
 */
final class DemandForecast {
    /** Which sample the forecast takes, by rank (nearest rank). */
    static final double QUANTILE = 0.75;
    /** Minutes of today compared with the same minutes of an earlier day for the level. */
    static final int LEVEL_MINUTES = 120;
    /** Calls added to both sides of a ratio so that a near-empty hour does not swing it. */
    static final int SMOOTHING = 10;
    /** Bounds of the level and trend ratios: a surprise is covered by headroom, not amplified. */
    static final double MIN_RATIO = 0.25;

    static final double MAX_RATIO = 3;
    /**
     * The forecast is raised by this factor: an idle host held through a burst costs minutes of one gateway, a
     * missing one rejects a call (and a rejected call is never seen, so the history undercounts a burst it missed).
     */
    static final double MARGIN = 1.3;

    private DemandForecast() {}

    /** The forecast: {@code calls} expected in the window, and what it was learnt from (for decision reasons). */
    public record Forecast(int calls, String basis) {
        static final Forecast NONE = new Forecast(0, "no history");
    }

    /** Calls expected between {@code now} and {@code now + window}, from {@code history}. */
    public static Forecast of(ArrivalHistory history, Instant now, Duration window, ZoneId zone) {
        if (history.lastMinute() < 0) {
            return Forecast.NONE;
        }
        long nowMinute = Math.floorDiv(now.getEpochSecond(), 60);
        long secondInMinute = Math.floorMod(now.getEpochSecond(), 60);
        int length = (int) Math.max(1, (secondInMinute + window.toSeconds() + 59) / 60);
        // The newest complete minutes: the current one is still counting.
        long newest = Math.min(nowMinute - 1, history.lastMinute());
        int today = history.sum(newest - LEVEL_MINUTES + 1, LEVEL_MINUTES);

        List<Double> days = new ArrayList<>();
        boolean weekend = isWeekend(now, zone);
        for (int d = 1; d < ArrivalHistory.DAYS; d++) {
            long from = nowMinute - d * 1440L;
            int then = history.sum(from, length);
            int thenLevel = history.sum(newest - d * 1440L - LEVEL_MINUTES + 1, LEVEL_MINUTES);
            if (then < 0 || thenLevel < 0 || today < 0 || isWeekend(now.minus(Duration.ofDays(d)), zone) != weekend) {
                continue;
            }
            days.add(then * clamp((today + SMOOTHING) / (double) (thenLevel + SMOOTHING)));
        }
        List<Double> phases = new ArrayList<>();
        int lastHour = history.sum(newest - 59, 60);
        int hourBefore = history.sum(newest - 119, 60);
        double trend =
                lastHour < 0 || hourBefore < 0 ? 1 : clamp((lastHour + SMOOTHING) / (double) (hourBefore + SMOOTHING));
        for (int k = 1; k <= 4; k++) {
            int then = history.sum(nowMinute - 30L * k, length);
            if (then >= 0) {
                phases.add(then * Math.pow(trend, k / 2.0));
            }
        }
        int fromDays = (int) Math.ceil(MARGIN * quantile(days));
        // The phases are not alike (a :30 burst is smaller than a :00 one): the largest is the one to cover.
        int fromPhases = (int) Math.ceil(
                MARGIN * phases.stream().mapToDouble(Double::doubleValue).max().orElse(0));
        if (days.isEmpty() && phases.isEmpty()) {
            return Forecast.NONE;
        }
        return fromDays >= fromPhases
                ? new Forecast(fromDays, "same time on " + days.size() + " earlier day(s)")
                : new Forecast(fromPhases, "same minute of the half-hour in the last 2 h");
    }

    private static boolean isWeekend(Instant t, ZoneId zone) {
        DayOfWeek d = t.atZone(zone).getDayOfWeek();
        return d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY;
    }

    private static double clamp(double ratio) {
        return Math.max(MIN_RATIO, Math.min(MAX_RATIO, ratio));
    }

    private static int quantile(List<Double> samples) {
        if (samples.isEmpty()) {
            return 0;
        }
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(QUANTILE * sorted.size()) - 1;
        return (int) Math.ceil(sorted.get(Math.max(0, rank)) - 1e-9);
    }
}
