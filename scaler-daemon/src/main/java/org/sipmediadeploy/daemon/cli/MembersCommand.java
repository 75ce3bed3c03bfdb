package org.sipmediadeploy.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import org.sipmediadeploy.daemon.admin.AdminClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code scalerctl members} and its subcommands that change the scaler cluster's Raft configuration. */
@Command(
        name = "members",
        mixinStandardHelpOptions = true,
        description = "The scaler cluster's Raft configuration: each member's role and last contact. "
                + "Subcommands change it (one member at a time; refused when it would leave no majority).",
        subcommands = {MembersCommand.Add.class, MembersCommand.Remove.class, MembersCommand.Replace.class})
final class MembersCommand extends RemoteCommand {
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
    abstract static class Change extends RemoteCommand {
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
