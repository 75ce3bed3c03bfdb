package org.sipmediadeploy.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.policy.Alarm;
import org.sipmediadeploy.core.port.ScalerEvents;

class AlarmsTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    final List<String> reported = new ArrayList<>();
    final Alarms alarms = new Alarms(new ScalerEvents() {
        @Override
        public void alarm(String scope, String message) {
            reported.add("raised " + scope + ": " + message);
        }

        @Override
        public void alarmCleared(String scope) {
            reported.add("cleared " + scope);
        }
    });

    @Test
    void reportsAnAlarmOnceUntilItsMessageChanges() {
        alarms.raise(new Alarm("kamailio", "down"));
        alarms.raise(new Alarm("kamailio", "down"));
        alarms.raise(new Alarm("kamailio", "still down"));
        assertEquals(List.of("raised kamailio: down", "raised kamailio: still down"), reported);
        assertEquals("still down", alarms.standing().get("kamailio").message());
    }

    @Test
    void reportsAClearOnlyForAStandingAlarm() {
        alarms.clear("kamailio");
        alarms.raise(new Alarm("kamailio", "down"));
        alarms.clear("kamailio");
        alarms.clear("kamailio");
        assertEquals(List.of("raised kamailio: down", "cleared kamailio"), reported);
        assertTrue(alarms.standing().isEmpty());
    }

    @Test
    void replicatesNothingWhenTheLogAlreadyHoldsTheStandingAlarms() {
        alarms.raise(new Alarm("gw", "no capacity"));
        assertEquals(Optional.empty(), alarms.toReplicate(Map.of("gw", "no capacity"), T0));
    }

    @Test
    void replicatesANewOrClearedScopeAtOnceButAChangedMessageAtMostEveryRefresh() {
        alarms.raise(new Alarm("gw", "1 idle"));
        assertEquals(Optional.of(Map.of("gw", "1 idle")), alarms.toReplicate(Map.of(), T0));
        alarms.raise(new Alarm("gw", "2 idle"));
        assertEquals(Optional.empty(), alarms.toReplicate(Map.of("gw", "1 idle"), T0.plusSeconds(1)));
        alarms.clear("gw");
        assertEquals(Optional.of(Map.of()), alarms.toReplicate(Map.of("gw", "1 idle"), T0.plusSeconds(2)));
        alarms.raise(new Alarm("gw", "3 idle"));
        assertEquals(Optional.of(Map.of("gw", "3 idle")), alarms.toReplicate(Map.of(), T0.plusSeconds(3)));
        alarms.raise(new Alarm("gw", "4 idle"));
        Instant later = T0.plusSeconds(3).plus(Alarms.REFRESH);
        assertEquals(Optional.of(Map.of("gw", "4 idle")), alarms.toReplicate(Map.of("gw", "3 idle"), later));
    }
}
