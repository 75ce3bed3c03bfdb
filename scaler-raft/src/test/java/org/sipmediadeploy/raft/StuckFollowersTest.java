package org.sipmediadeploy.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StuckFollowersTest {
    private final StuckFollowers watch = new StuckFollowers();

    @Test
    void aFollowerThatAnswersButStaysBehindAtOneIndexIsStuckAfterTheWindow() {
        Map<String, Long> contact = Map.of("n2", 100L, "n3", 100L);
        assertEquals(List.of(), watch.stuck(0, 53, Map.of("n2", 53L, "n3", 40L), contact));
        assertEquals(
                List.of(),
                watch.stuck(StuckFollowers.STUCK_AFTER_MILLIS - 1, 53, Map.of("n2", 53L, "n3", 40L), contact));
        assertEquals(
                List.of("n3"),
                watch.stuck(StuckFollowers.STUCK_AFTER_MILLIS, 53, Map.of("n2", 53L, "n3", 40L), contact));
    }

    @Test
    void aFollowerCatchingUpIsNotStuck() {
        Map<String, Long> contact = Map.of("n3", 100L);
        for (long t = 0, commit = 10; t <= 60_000; t += 5_000, commit += 5) {
            assertEquals(List.of(), watch.stuck(t, 500, Map.of("n3", commit), contact), "at " + t);
        }
    }

    @Test
    void aFollowerThatDoesNotAnswerIsDownNotStuck() {
        Map<String, Long> silent = Map.of("n3", StuckFollowers.ANSWERS_WITHIN_MILLIS + 1);
        watch.stuck(0, 53, Map.of("n3", 40L), silent);
        assertEquals(List.of(), watch.stuck(60_000, 53, Map.of("n3", 40L), silent));
    }

    @Test
    void aFollowerLevelWithTheLeaderIsNotStuckHoweverLongNothingHappens() {
        Map<String, Long> contact = Map.of("n3", 100L);
        watch.stuck(0, 53, Map.of("n3", 53L), contact);
        assertEquals(List.of(), watch.stuck(600_000, 53, Map.of("n3", 53L), contact));
    }

    @Test
    void theWindowStartsAgainWhenTheFollowerMovesOrAfterAReset() {
        Map<String, Long> contact = Map.of("n3", 100L);
        watch.stuck(0, 60, Map.of("n3", 40L), contact);
        watch.stuck(10_000, 60, Map.of("n3", 41L), contact);
        assertEquals(List.of(), watch.stuck(20_000, 60, Map.of("n3", 41L), contact));
        watch.reset();
        assertEquals(List.of(), watch.stuck(30_000, 60, Map.of("n3", 41L), contact));
    }
}
