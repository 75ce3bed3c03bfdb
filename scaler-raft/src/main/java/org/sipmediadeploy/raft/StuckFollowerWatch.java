package org.sipmediadeploy.raft;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.server.DivisionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the leader, once a second: a follower that answers but stays behind at one commit index ({@link
 * StuckFollowers}) gets the cluster a new leader, whose fresh follower records let it catch up. At most one
 * hand-over every two minutes, so a follower that cannot catch up for another reason does not cost a leader change
 * a minute.
 */
final class StuckFollowerWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StuckFollowerWatch.class);
    static final long HAND_OVER_AT_MOST_EVERY_MILLIS = 120_000;

    private final String self;
    private final LocalDivision division;
    private final RaftAdmin admin;
    private final StuckFollowers detector = new StuckFollowers();
    private final ScheduledExecutorService timer;
    private boolean wasLeader;
    private long lastHandOver = -HAND_OVER_AT_MOST_EVERY_MILLIS;

    StuckFollowerWatch(String self, LocalDivision division, RaftAdmin admin) {
        this.self = self;
        this.division = division;
        this.admin = admin;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "raft-stuck-follower-watch-" + self);
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        var unused = timer.scheduleWithFixedDelay(this::checkQuietly, 1, 1, TimeUnit.SECONDS);
    }

    private void checkQuietly() {
        try {
            check(System.nanoTime() / 1_000_000);
        } catch (RuntimeException e) {
            LOG.warn("stuck-follower watch: {}", e.toString());
        }
    }

    private void check(long nowMillis) {
        boolean leader = division.info().map(DivisionInfo::isLeader).orElse(false);
        if (leader != wasLeader) {
            detector.reset();
            wasLeader = leader;
        }
        if (!leader) {
            return;
        }
        Map<String, Long> commits = new TreeMap<>(division.peerCommitIndexes());
        commits.remove(self);
        long leaderCommit = division.commitIndex();
        List<String> stuck = detector.stuck(nowMillis, leaderCommit, commits, division.lastContactMillis());
        if (stuck.isEmpty() || nowMillis - lastHandOver < HAND_OVER_AT_MOST_EVERY_MILLIS) {
            return;
        }
        lastHandOver = nowMillis;
        LOG.warn(
                "follower(s) {} answer but stay at commit index {} behind {} for {} s (a Ratis 3.3.0 replication"
                        + " defect after a divergent tail): handing leadership over so a new leader re-syncs them",
                stuck,
                stuck.stream().map(commits::get).toList(),
                leaderCommit,
                StuckFollowers.STUCK_AFTER_MILLIS / 1000);
        admin.transferLeadership(Duration.ofSeconds(3));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
