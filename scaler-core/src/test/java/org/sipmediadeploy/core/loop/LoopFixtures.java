package org.sipmediadeploy.core.loop;

import java.time.Duration;
import java.util.List;
import org.sipmediadeploy.core.config.FailoverSettings;
import org.sipmediadeploy.core.config.PairConfig;
import org.sipmediadeploy.core.config.ProbeSpec;
import org.sipmediadeploy.core.model.Transport;
import org.sipmediadeploy.core.policy.TargetHealth;
import org.sipmediadeploy.core.port.Cloud;
import org.sipmediadeploy.core.port.Consensus;
import org.sipmediadeploy.core.port.ScalerEvents;

/** Set-up shared by the control loop's test classes: the Kamailio pair they use and a leader log in term 1. */
final class LoopFixtures {
    private LoopFixtures() {}

    /** Members kamailio-a and kamailio-b, SIP OPTIONS over UDP every 500 ms (400 ms timeout), default failover. */
    static PairConfig kamailioPair(String floatingIp) {
        return new PairConfig(
                "kamailio",
                floatingIp,
                List.of("kamailio-a", "kamailio-b"),
                new ProbeSpec(
                        ProbeSpec.Kind.SIP_OPTIONS,
                        5060,
                        Transport.UDP,
                        null,
                        null,
                        null,
                        Duration.ofMillis(500),
                        Duration.ofMillis(400)),
                FailoverSettings.defaults(),
                ControlLoopTest.TEMPLATE);
    }

    /** A leader log over {@code consensus} in term 1, whose executor sees every target as never probed. */
    static LeaderLog leaderLog(LoopSpec spec, Cloud cloud, Consensus consensus, Alarms alarms) {
        LeaderLog log = new LeaderLog(
                consensus,
                ScalerEvents.NONE,
                new DecisionExecutor(spec, cloud, consensus::isLeaderIn, t -> TargetHealth.NEVER_PROBED),
                alarms);
        log.term(1);
        return log;
    }
}
