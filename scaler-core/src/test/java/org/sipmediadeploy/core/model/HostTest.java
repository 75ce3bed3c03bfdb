package org.sipmediadeploy.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HostTest {
    private static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
    private static final Instant T1 = T0.plusSeconds(42);

    private static Host host(HostState s) {
        return new Host("gw-1", "srv-1", "10.1.0.1", s, T0, T0, "d1-1");
    }

    @ParameterizedTest
    @EnumSource(HostState.class)
    void moveToFollowsEveryArrowAndStampsTheTime(HostState from) {
        for (HostState to : from.successors()) {
            Host moved = host(from).moveTo(to, T1);
            assertEquals(to, moved.state());
            assertEquals(T1, moved.stateSince());
            assertEquals(T0, moved.createdAt(), "creation time is kept");
            assertEquals("srv-1", moved.serverId());
            assertEquals("d1-1", moved.decisionId());
        }
    }

    @ParameterizedTest
    @EnumSource(HostState.class)
    void moveToRefusesEveryMissingArrow(HostState from) {
        for (HostState to : HostState.values()) {
            if (!from.canMoveTo(to)) {
                IllegalStateException e = assertThrows(
                        IllegalStateException.class, () -> host(from).moveTo(to, T1));
                assertTrue(e.getMessage().contains("gw-1 cannot go from " + from + " to " + to), e.getMessage());
            }
        }
    }

    @Test
    void withServerKeepsStateAndTimes() {
        Host h = new Host("gw-1", null, null, HostState.CREATING, T0, T0, "d1-1").withServer("srv-9", "10.1.0.9");
        assertEquals("srv-9", h.serverId());
        assertEquals("10.1.0.9", h.address());
        assertEquals(HostState.CREATING, h.state());
        assertEquals(T0, h.stateSince());
    }
}
