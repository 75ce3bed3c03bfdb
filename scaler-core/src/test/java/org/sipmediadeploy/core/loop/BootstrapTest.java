package org.sipmediadeploy.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.config.PairConfig;
import org.sipmediadeploy.core.model.PairState;
import org.sipmediadeploy.core.model.Server;
import org.sipmediadeploy.core.port.ScalerEvents;

class BootstrapTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    FakeCloud cloud;
    FakeConsensus consensus;
    Alarms alarms;
    Server a;
    Server b;

    @BeforeEach
    void world() {
        cloud = new FakeCloud();
        consensus = new FakeConsensus();
        alarms = new Alarms(ScalerEvents.NONE);
        a = cloud.addTerraformMember("tag", "kamailio", "kamailio-a");
        b = cloud.addTerraformMember("tag", "kamailio", "kamailio-b");
    }

    Bootstrap bootstrap(String floatingIp) {
        PairConfig pair = LoopFixtures.kamailioPair(floatingIp);
        LoopSpec spec = new LoopSpec(
                "n1", 3, "tag", Map.of("kamailio", pair), Map.of("gw", ControlLoopTest.pool(1, 10, 2)), List.of());
        LeaderLog log = LoopFixtures.leaderLog(spec, cloud, consensus, alarms);
        return new Bootstrap(spec, log, cloud, alarms);
    }

    @Test
    void bootstrapsThePairWithTheActiveWhereTheFloatingIpIs() {
        cloud.addFip("203.0.113.10", "port-" + b.id());
        bootstrap("203.0.113.10").bootstrap(T0);
        PairState pair = consensus.state().pair("kamailio").orElseThrow();
        assertEquals(b.id(), pair.activeServerId());
        assertEquals("fip-203.0.113.10", pair.floatingIpId());
        assertEquals(2, pair.members().size());
    }

    @Test
    void initialisesEveryConfiguredPoolEmpty() {
        cloud.addFip("203.0.113.10", "port-" + a.id());
        bootstrap("203.0.113.10").bootstrap(T0);
        assertTrue(consensus.state().pool("gw").orElseThrow().hostList().isEmpty());
    }

    @Test
    void aPairWhoseFloatingIpIsMissingIsNotInitialisedAndRaisesAnAlarm() {
        Bootstrap boot = bootstrap("203.0.113.99");
        boot.bootstrap(T0);
        assertTrue(consensus.state().pair("kamailio").isEmpty());
        assertTrue(alarms.standing().get("kamailio").message().contains("203.0.113.99 not found"));
        assertEquals(List.of(), cloud.actions);
    }

    @Test
    void aRunAfterTheStateHoldsThePairCommitsNothingMore() {
        cloud.addFip("203.0.113.10", "port-" + a.id());
        Bootstrap boot = bootstrap("203.0.113.10");
        boot.bootstrap(T0);
        int commands = consensus.log.size();
        boot.bootstrap(T0.plusSeconds(1));
        assertEquals(commands, consensus.log.size());
    }
}
