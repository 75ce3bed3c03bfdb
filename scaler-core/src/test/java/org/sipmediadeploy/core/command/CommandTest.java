package org.sipmediadeploy.core.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.decision.Outcome;

class CommandTest {
    private static final Instant AT = Instant.parse("2026-01-05T10:00:00Z");

    @Test
    void anOutcomeCannotBePending() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new Command.RecordOutcome("d1-1", Outcome.PENDING, "", Map.of(), 1, AT));
    }

    @Test
    void outcomeDefaultsDetailAndFacts() {
        Command.RecordOutcome r = new Command.RecordOutcome("d1-1", Outcome.DONE, null, null, 1, AT);
        assertEquals("", r.detail());
        assertEquals(Map.of(), r.facts());
    }

    @Test
    void everyCommandCarriesItsTime() {
        assertThrows(NullPointerException.class, () -> new Command.InitPool("gw", 1, null));
    }
}
