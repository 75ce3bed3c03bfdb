package org.sipmediadeploy.raft;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records leadership callbacks with their monotonic time, for assertions and the benchmark. */
final class RecordingListener implements LeadershipListener {
    record Event(String kind, long term, long nanos) {}

    final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void leaderReady(long term) {
        events.add(new Event("ready", term, System.nanoTime()));
    }

    @Override
    public void notLeader() {
        events.add(new Event("notLeader", -1, System.nanoTime()));
    }

    long readyCount() {
        return events.stream().filter(e -> e.kind().equals("ready")).count();
    }

    boolean readyIn(long term) {
        return events.stream().anyMatch(e -> e.kind().equals("ready") && e.term() == term);
    }

    boolean sawNotLeader() {
        return events.stream().anyMatch(e -> e.kind().equals("notLeader"));
    }

    /** Time of the first "ready" at or after {@code sinceNanos}, or -1. */
    long readyAfter(long sinceNanos) {
        return events.stream()
                .filter(e -> e.kind().equals("ready") && e.nanos() >= sinceNanos)
                .mapToLong(Event::nanos)
                .min()
                .orElse(-1);
    }
}
