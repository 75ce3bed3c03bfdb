package org.sipmediadeploy.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.sipmediadeploy.daemon.admin.AdminClient;
import org.sipmediadeploy.daemon.admin.AdminClientException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The scalerctl commands that talk to a running node's admin API. */
final class RemoteCommands {
    private RemoteCommands() {}

    /** Shared by every remote command: run, map errors to exit codes (1 failure, 3 unreachable / no leader). */
    abstract static class Base implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Spec
        CommandLine.Model.CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        /** Checks the arguments before anything is sent; throws IllegalArgumentException (usage) when bad. */
        void check() {}

        AdminClient client() {
            return remote.client();
        }

        @Override
        public final Integer call() {
            AdminClient client;
            try {
                check();
                client = client();
            } catch (Remote.UsageException | IllegalArgumentException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return ScalerCtl.USAGE;
            }
            try {
                return run(client);
            } catch (AdminClientException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return e.unreachable() || e.unavailable() ? ScalerCtl.UNREACHABLE : ScalerCtl.FAILURE;
            }
        }

        abstract int run(AdminClient client);
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "This node, the leader, the pairs and the pool.")
    static final class Status extends Base {
        @Option(names = "--json", description = "print JSON")
        boolean json;

        @Override
        int run(AdminClient client) {
            JsonNode s = client.status();
            if (json) {
                out().println(s.toPrettyString());
                return ScalerCtl.OK;
            }
            JsonNode n = s.path("node");
            out().printf(
                            Locale.ROOT,
                            "node %s  role %s  term %d  applied %d  leader %s  version %s%n",
                            n.path("id").asText(),
                            n.path("role").asText(),
                            n.path("term").asLong(),
                            n.path("applied_index").asLong(),
                            n.path("leader_id").asText("none"),
                            n.path("version").asText("?"));
            String membership = n.path("membership").asText("MEMBER");
            if (membership.equals("JOINING")) {
                out().println("this node is NOT in the Raft configuration: it waits to be added "
                        + "(scalerctl members add " + n.path("id").asText()
                        + " HOST:PORT on a member) and does not act");
            } else if (membership.equals("REMOVED")) {
                out().println("this node is NOT in the Raft configuration any more (removed): it does not act; "
                        + "see 'scalerctl members' on a member");
            }
            out().println();
            out().printf(
                            Locale.ROOT,
                            "%-10s %-6s %-16s %-22s %-22s%n",
                            "PAIR",
                            "MODE",
                            "FLOATING IP",
                            "ACTIVE",
                            "STANDBY");
            for (JsonNode p : s.path("pairs")) {
                out().printf(
                                Locale.ROOT,
                                "%-10s %-6s %-16s %-22s %-22s%n",
                                p.path("name").asText(),
                                p.path("mode").asText(),
                                p.path("floating_ip").asText(),
                                member(p.path("active")),
                                member(p.path("standby")));
            }
            for (JsonNode pool : s.path("pools")) {
                out().println();
                out().printf(
                                Locale.ROOT,
                                "POOL %s  mode %s  hosts %s%n",
                                pool.path("name").asText(),
                                pool.path("mode").asText(),
                                pool.path("hosts_by_state").toString());
                out().printf(Locale.ROOT, "  %-28s %-10s %-16s %s%n", "HOST", "STATE", "ADDRESS", "IDLE");
                for (JsonNode h : pool.path("hosts")) {
                    out().printf(
                                    Locale.ROOT,
                                    "  %-28s %-10s %-16s %s%n",
                                    h.path("name").asText(),
                                    h.path("state").asText(),
                                    h.path("address").asText("-"),
                                    h.path("idle_gateways").isNull()
                                            ? "?"
                                            : h.path("idle_gateways").asText());
                }
            }
            JsonNode heal = s.path("self_healing");
            if (heal.isObject()) {
                out().println();
                JsonNode r = heal.path("replacement");
                out().println("self-healing " + (heal.path("enabled").asBoolean() ? "enabled" : "disabled")
                        + (heal.path("note").isTextual()
                                ? ": " + heal.path("note").asText()
                                : ""));
                if (r.isObject()) {
                    out().printf(
                                    Locale.ROOT,
                                    "  replacing %s by %s (%s), at %s%n",
                                    r.path("dead_node").asText(),
                                    r.path("new_node").asText(),
                                    r.path("decision_id").asText(),
                                    r.path("step").asText());
                    for (JsonNode st : r.path("done")) {
                        out().printf(
                                        Locale.ROOT,
                                        "    %-20s %s%n",
                                        st.path("step").asText(),
                                        st.path("detail").asText());
                    }
                }
            }
            JsonNode alarms = s.path("alarms");
            out().println();
            boolean leader = "LEADER".equals(n.path("role").asText());
            // A follower shows the alarms the leader replicated through the log (a few seconds behind at most).
            out().println(
                            alarms.isEmpty()
                                    ? "no alarms"
                                    : leader
                                            ? "ALARMS"
                                            : "ALARMS (raised by the leader "
                                                    + n.path("leader_id").asText("none") + ")");
            for (JsonNode a : alarms) {
                out().printf(
                                Locale.ROOT,
                                "  %s: %s%n",
                                a.path("scope").asText(),
                                a.path("message").asText());
            }
            return ScalerCtl.OK;
        }

        private static String member(JsonNode m) {
            String status = "?";
            for (JsonNode p : m.path("probes")) {
                status = p.path("status").isNull() ? "?" : p.path("status").asText();
            }
            return m.path("name").asText() + " " + status;
        }
    }

    @Command(
            name = "members",
            mixinStandardHelpOptions = true,
            description = "The scaler cluster's Raft configuration: each member's role and last contact. "
                    + "Subcommands change it (one member at a time; refused when it would leave no majority).",
            subcommands = {Members.Add.class, Members.Remove.class, Members.Replace.class})
    static final class Members extends Base {
        @Option(names = "--json", description = "print JSON")
        boolean json;

        @Override
        int run(AdminClient client) {
            JsonNode s = client.status();
            if (json) {
                out().println(s.path("peers").toPrettyString());
                return ScalerCtl.OK;
            }
            JsonNode n = s.path("node");
            out().printf(
                            Locale.ROOT,
                            "configuration index %s  asked node %s (%s, version %s)%n",
                            n.path("configuration_index").asText("?"),
                            n.path("id").asText(),
                            n.path("membership").asText("?"),
                            n.path("version").asText("?"));
            out().printf(Locale.ROOT, "%-12s %-24s %-8s %-7s %s%n", "ID", "ADDRESS", "ROLE", "LEADER", "LAST CONTACT");
            for (JsonNode p : s.path("peers")) {
                String role = p.path("leader").asBoolean()
                        ? "leader"
                        : n.path("leader_id").isNull() ? "?" : "follower";
                String contact = p.path("self").asBoolean()
                        ? "(this node)"
                        : p.path("last_contact").asText("-");
                out().printf(
                                Locale.ROOT,
                                "%-12s %-24s %-8s %-7s %s%n",
                                p.path("id").asText(),
                                p.path("address").asText(),
                                role,
                                p.path("leader").asBoolean() ? "yes" : "",
                                contact);
            }
            if (!"MEMBER".equals(n.path("membership").asText("MEMBER"))) {
                out().println("note: the asked node is " + n.path("membership").asText()
                        + ": this is its own, possibly stale, view; ask a member");
            }
            return ScalerCtl.OK;
        }

        /** Membership changes may wait for a new member to catch up: at least 45 s unless --timeout says more. */
        abstract static class Change extends Base {
            static final java.time.Duration AT_LEAST = java.time.Duration.ofSeconds(45);

            @Override
            AdminClient client() {
                return remote.client(AT_LEAST);
            }

            abstract JsonNode act(AdminClient client);

            @Override
            final int run(AdminClient client) {
                out().println(act(client).path("detail").asText("done"));
                return ScalerCtl.OK;
            }
        }

        @Command(
                name = "add",
                mixinStandardHelpOptions = true,
                description = "Add a scaler node to the Raft configuration. Start the node first: a node outside the "
                        + "configuration with an empty log waits to be added, and the leader copies the log to it.")
        static final class Add extends Change {
            @Parameters(index = "0", paramLabel = "ID", description = "the new node's id")
            String id;

            @Parameters(index = "1", paramLabel = "HOST:PORT", description = "its Raft address")
            String address;

            @Override
            JsonNode act(AdminClient client) {
                return client.addMember(id, address);
            }

            @Override
            void check() {
                new org.sipmediadeploy.raft.RaftMember(id, address);
            }
        }

        @Command(
                name = "remove",
                mixinStandardHelpOptions = true,
                description = "Remove a scaler node from the Raft configuration; refused when the members left "
                        + "would have no reachable majority.")
        static final class Remove extends Change {
            @Parameters(index = "0", paramLabel = "ID", description = "the member's id")
            String id;

            @Override
            JsonNode act(AdminClient client) {
                return client.removeMember(id);
            }
        }

        @Command(
                name = "replace",
                mixinStandardHelpOptions = true,
                description = "Replace member OLD by a new node NEW at HOST:PORT in one change (start NEW first); the "
                        + "way to swap out a dead node.")
        static final class Replace extends Change {
            @Parameters(index = "0", paramLabel = "OLD", description = "the member to remove")
            String oldId;

            @Parameters(index = "1", paramLabel = "NEW", description = "the new node's id")
            String newId;

            @Parameters(index = "2", paramLabel = "HOST:PORT", description = "the new node's Raft address")
            String address;

            @Override
            JsonNode act(AdminClient client) {
                return client.replaceMember(oldId, newId, address);
            }

            @Override
            void check() {
                new org.sipmediadeploy.raft.RaftMember(newId, address);
            }
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true, description = "Decisions, newest first.")
    static final class History extends Base {
        @Option(names = "--json", description = "print JSON")
        boolean json;

        @Option(names = "--limit", defaultValue = "20", description = "how many (default ${DEFAULT-VALUE})")
        int limit;

        @Override
        int run(AdminClient client) {
            JsonNode h = client.history(limit);
            if (json) {
                out().println(h.toPrettyString());
                return ScalerCtl.OK;
            }
            JsonNode list = h.has("decisions") ? h.path("decisions") : h;
            out().printf(
                            Locale.ROOT,
                            "%-6s %-5s %-24s %-14s %-10s %-9s %s%n",
                            "INDEX",
                            "TERM",
                            "ID",
                            "KIND",
                            "SCOPE",
                            "OUTCOME",
                            "REASON");
            for (JsonNode d : list) {
                out().printf(
                                Locale.ROOT,
                                "%-6s %-5s %-24s %-14s %-10s %-9s %s%n",
                                d.path("index").asText(),
                                d.path("term").asText(),
                                d.path("decision_id").asText(),
                                d.path("kind").asText(),
                                d.path("scope").asText(),
                                d.path("outcome").asText(),
                                d.path("reason").asText());
            }
            return ScalerCtl.OK;
        }
    }

    /** An operator action: prints the server's detail of the committed decision. */
    abstract static class Action extends Base {
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
