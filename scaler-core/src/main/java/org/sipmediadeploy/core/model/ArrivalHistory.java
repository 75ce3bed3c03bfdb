package org.sipmediadeploy.core.model;

import java.util.Arrays;

/**
 * Calls that arrived at the pool, per minute, over the last {@link #DAYS} days: the learnt demand a new leader
 * needs to scale ahead of the :00 and :30 meeting starts. Bounded (a ring of {@value #SLOTS} minutes, a few tens of
 * KB per pool in a snapshot) and replicated in {@link PoolState}. {@code format} versions the encoding: a node
 * refuses a history it cannot read instead of misreading it. {@code firstMinute} and {@code lastMinute} are the
 * oldest and newest minutes recorded (minutes since the epoch), -1 when nothing was: a minute before the first is
 * unknown, not "no call".
 */
// The array is copied in and out and equals/hashCode compare its contents, so the record stays a value.
@SuppressWarnings("ArrayRecordComponent")
public record ArrivalHistory(int format, long firstMinute, long lastMinute, int[] counts) {
    public static final int FORMAT = 1;
    public static final int DAYS = 8;
    public static final int SLOTS = DAYS * 1440;
    public static final ArrivalHistory EMPTY = new ArrivalHistory(FORMAT, -1, -1, new int[SLOTS]);

    public ArrivalHistory {
        if (format != FORMAT) {
            throw new IllegalArgumentException(
                    "arrival history format " + format + " (this node reads " + FORMAT + ")");
        }
        if (counts == null || counts.length != SLOTS) {
            throw new IllegalArgumentException(
                    "arrival history needs " + SLOTS + " minutes, got " + (counts == null ? 0 : counts.length));
        }
        counts = counts.clone();
        for (int c : counts) {
            if (c < 0) {
                throw new IllegalArgumentException("negative arrival count " + c);
            }
        }
    }

    /**
     * This history with {@code arrivals} more calls in {@code minute}. Minutes skipped since the newest one read as
     * no call; a minute older than the ring is ignored (it can no longer matter).
     */
    public ArrivalHistory record(long minute, int arrivals) {
        if (arrivals < 0 || minute < 0 || (lastMinute >= 0 && minute <= lastMinute - SLOTS)) {
            return this;
        }
        int[] next = counts.clone();
        long newest = lastMinute;
        if (minute > lastMinute) {
            long from = lastMinute < 0 ? minute - SLOTS + 1 : Math.max(lastMinute + 1, minute - SLOTS + 1);
            for (long m = from; m <= minute; m++) {
                next[slot(m)] = 0;
            }
            newest = minute;
        }
        next[slot(minute)] += arrivals;
        return new ArrivalHistory(FORMAT, firstMinute < 0 ? minute : Math.min(firstMinute, minute), newest, next);
    }

    /** Arrivals in {@code minute}, or -1 when that minute is not in the history (never seen, or too old). */
    public int at(long minute) {
        if (lastMinute < 0 || minute > lastMinute || minute < firstMinute || minute <= lastMinute - SLOTS) {
            return -1;
        }
        return counts[slot(minute)];
    }

    /** Whether at least {@code minutes} whole minutes up to the newest one are known. */
    public boolean covers(int minutes) {
        return lastMinute >= 0 && lastMinute - firstMinute + 1 >= minutes;
    }

    /** Arrivals in the {@code length} minutes from {@code from}, or -1 when any of them is not in the history. */
    public int sum(long from, int length) {
        int total = 0;
        for (long m = from; m < from + length; m++) {
            int c = at(m);
            if (c < 0) {
                return -1;
            }
            total += c;
        }
        return total;
    }

    private static int slot(long minute) {
        return (int) Math.floorMod(minute, (long) SLOTS);
    }

    @Override
    public int[] counts() {
        return counts.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArrivalHistory h
                && h.format == format
                && h.firstMinute == firstMinute
                && h.lastMinute == lastMinute
                && Arrays.equals(h.counts, counts);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(lastMinute) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "ArrivalHistory[lastMinute=" + lastMinute + ", total="
                + Arrays.stream(counts).sum() + "]";
    }
}
