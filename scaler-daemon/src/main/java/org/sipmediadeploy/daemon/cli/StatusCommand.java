package org.sipmediadeploy.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import org.sipmediadeploy.daemon.admin.AdminClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scalerctl status}: this node, the leader, the pairs and the pools, as a table or JSON. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "This node, the leader, the pairs and the pool.")
final class StatusCommand extends RemoteCommand {
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
        out().printf(Locale.ROOT, "%-10s %-6s %-16s %-22s %-22s%n", "PAIR", "MODE", "FLOATING IP", "ACTIVE", "STANDBY");
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
                    + (heal.path("note").isTextual() ? ": " + heal.path("note").asText() : ""));
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
