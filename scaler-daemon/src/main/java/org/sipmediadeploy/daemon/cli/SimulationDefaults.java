package org.sipmediadeploy.daemon.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.config.ServerTemplate;
import org.sipmediadeploy.core.config.SpareSchedule;
import org.sipmediadeploy.core.config.SpareWindow;
import org.sipmediadeploy.core.config.StatusEndpoint;
import org.sipmediadeploy.core.sim.SimReport;
import org.sipmediadeploy.daemon.config.ConfigLoader;
import org.sipmediadeploy.daemon.config.ConfigProblems;

/** Pool settings and output formats for {@code scalerctl simulate}. */
final class SimulationDefaults {
    private SimulationDefaults() {}

    /**
     * The built-in pool: one gateway per host, up to 1,000 hosts, evaluated every 5 s. Its schedule (Europe/Paris)
     * is what an operator knows of office traffic before any call was seen: 8 spare in office hours, 30 where the
     * two waves start (the first :00/:30 bursts of the morning and after lunch); it serves only the cold start,
     * until a day of arrivals has been learnt.
     */
    static PoolConfig pool(Path config, String name) {
        if (config == null) {
            return new PoolConfig(
                    "sim",
                    new ServerTemplate("gw", "m1", "net", List.of(), null, null, ""),
                    1,
                    0,
                    1000,
                    new SpareSchedule(
                            2,
                            List.of(window(7, 0, 17, 0, 8), window(7, 45, 9, 15, 30), window(13, 15, 13, 45, 30)),
                            ZoneId.of("Europe/Paris")),
                    new StatusEndpoint(
                            8080, "/status", "idle", "can_be_terminated", Duration.ofSeconds(2), Duration.ofSeconds(1)),
                    Duration.ofSeconds(5),
                    Duration.ofMinutes(10),
                    Duration.ofSeconds(60),
                    Duration.ofMinutes(2),
                    Duration.ofSeconds(60),
                    Duration.ofSeconds(30),
                    Duration.ofMinutes(30));
        }
        Map<String, PoolConfig> pools;
        try {
            pools = ConfigLoader.loadPools(config);
        } catch (ConfigProblems p) {
            throw new ScalerCtl.ConfigProblemsException(p);
        }
        if (pools.isEmpty()) {
            throw new IllegalArgumentException(config + " defines no pool");
        }
        if (name == null) {
            return pools.values().iterator().next();
        }
        PoolConfig p = pools.get(name);
        if (p == null) {
            throw new IllegalArgumentException(
                    "no pool '" + name + "' in " + config + " (pools: " + pools.keySet() + ")");
        }
        return p;
    }

    private static SpareWindow window(int fromH, int fromM, int toH, int toM, int spare) {
        return new SpareWindow(Set.of(), LocalTime.of(fromH, fromM), LocalTime.of(toH, toM), spare);
    }

    /** The summary; {@code strategies} keeps its shape (one object per strategy), the rest was added around it. */
    static String json(
            Path trace,
            int skippedRows,
            Duration bootDelay,
            SimReport limit,
            List<SimReport> reports,
            List<String> warnings) {
        StringBuilder b = new StringBuilder();
        b.append("{\"trace\":\"")
                .append(escape(trace.toString()))
                .append("\",\"skipped_rows\":")
                .append(skippedRows)
                .append(",\"boot_delay_s\":")
                .append(bootDelay.toSeconds())
                .append(String.format(Locale.ROOT, ",\"call_hours\":%.2f", limit.gatewayHours()))
                .append(",\"strategies\":[");
        for (int i = 0; i < reports.size(); i++) {
            SimReport r = reports.get(i);
            b.append(i == 0 ? "" : ",")
                    .append(String.format(
                            Locale.ROOT,
                            "{\"strategy\":\"%s\",\"calls\":%d,\"rejected\":%d,\"rejected_percent\":%.3f,"
                                    + "\"gateway_hours\":%.2f,\"gateway_hours_per_call_hour\":%.3f,\"peak_hosts\":%d,"
                                    + "\"creates\":%d,\"deletes\":%d,\"busy_deleted\":%d}",
                            r.strategy(),
                            r.calls(),
                            r.rejected(),
                            r.rejectedPercent(),
                            r.gatewayHours(),
                            SimulateCommand.ratio(r, limit),
                            r.peakHosts(),
                            r.creates(),
                            r.deletes(),
                            r.busyDeleted()));
        }
        b.append("],\"warnings\":[");
        for (int i = 0; i < warnings.size(); i++) {
            b.append(i == 0 ? "" : ",")
                    .append('"')
                    .append(escape(warnings.get(i)))
                    .append('"');
        }
        return b.append("]}").toString();
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    static void writeCsv(Path csv, List<SimReport> reports) throws IOException {
        StringBuilder b = new StringBuilder("second,strategy,hosts,busy,idle,rejected\n");
        for (SimReport r : reports) {
            for (SimReport.Sample s : r.timeline()) {
                b.append(s.second())
                        .append(',')
                        .append(r.strategy())
                        .append(',')
                        .append(s.hosts())
                        .append(',')
                        .append(s.busyGateways())
                        .append(',')
                        .append(s.idleGateways())
                        .append(',')
                        .append(s.rejectedSoFar())
                        .append('\n');
            }
        }
        Files.writeString(csv, b.toString(), StandardCharsets.UTF_8);
    }
}
