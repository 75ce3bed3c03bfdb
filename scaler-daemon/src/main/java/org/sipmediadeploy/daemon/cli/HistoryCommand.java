package org.sipmediadeploy.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import org.sipmediadeploy.daemon.admin.AdminClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scalerctl history}: the committed decisions, newest first. */
@Command(name = "history", mixinStandardHelpOptions = true, description = "Decisions, newest first.")
final class HistoryCommand extends RemoteCommand {
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
