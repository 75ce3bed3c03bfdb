package org.sipmediadeploy.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import org.sipmediadeploy.daemon.admin.AdminClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The scalerctl operator actions: each asks the leader to commit a decision and prints its detail. */
final class OperatorActions {
    private OperatorActions() {}

    /** An operator action: prints the server's detail of the committed decision. */
    abstract static class Action extends RemoteCommand {
        abstract JsonNode act(AdminClient client);

        abstract String done();

        @Override
        final int run(AdminClient client) {
            out().println(act(client).path("detail").asText(done()));
            return ScalerCtl.OK;
        }
    }

    @Command(
            name = "failover",
            mixinStandardHelpOptions = true,
            description =
                    "Move a pair's floating IP to its standby (or --to a member); refused if the target is unhealthy.")
    static final class Failover extends Action {
        @Parameters(paramLabel = "PAIR")
        String pair;

        @Option(names = "--to", description = "member name or server id")
        String to;

        @Override
        JsonNode act(AdminClient client) {
            return client.failover(pair, Optional.ofNullable(to));
        }

        @Override
        String done() {
            return "accepted";
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Stop a pool's scaling decisions.")
    static final class Pause extends Action {
        @Parameters(paramLabel = "POOL")
        String pool;

        @Override
        JsonNode act(AdminClient client) {
            return client.pausePool(pool);
        }

        @Override
        String done() {
            return "paused";
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a pool's scaling decisions.")
    static final class Resume extends Action {
        @Parameters(paramLabel = "POOL")
        String pool;

        @Override
        JsonNode act(AdminClient client) {
            return client.resumePool(pool);
        }

        @Override
        String done() {
            return "resumed";
        }
    }

    @Command(
            name = "drain",
            mixinStandardHelpOptions = true,
            description = "Drain a gateway host (then delete it when idle).")
    static final class Drain extends Action {
        @Parameters(paramLabel = "HOST")
        String host;

        @Override
        JsonNode act(AdminClient client) {
            return client.drainHost(host);
        }

        @Override
        String done() {
            return "draining";
        }
    }
}
