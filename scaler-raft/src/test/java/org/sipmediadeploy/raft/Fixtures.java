package org.sipmediadeploy.raft;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.model.Member;
import org.sipmediadeploy.core.model.PairMode;
import org.sipmediadeploy.core.model.PairState;
import org.sipmediadeploy.core.port.Consensus;

final class Fixtures {
    static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
    static final Duration AWAIT = Duration.ofSeconds(30);

    private Fixtures() {}

    static PairState kamailio() {
        return new PairState(
                "kamailio",
                List.of(
                        new Member("srv-a", "kam-a", "port-a", "10.0.0.1"),
                        new Member("srv-b", "kam-b", "port-b", "10.0.0.2")),
                "srv-a",
                "fip-1",
                "203.0.113.10",
                PairMode.AUTO,
                List.of(),
                null);
    }

    static Command.Propose failover(String id, String from, String to, long term) {
        return new Command.Propose(new Decision.Failover(id, "kamailio", from, to, "active failed 3 probes"), term, T0);
    }

    static Consensus.CommitResult commit(Consensus c, Command cmd) {
        try {
            return c.propose(cmd).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("proposal of " + cmd + " failed", e);
        }
    }
}
