package org.sipmediadeploy.daemon.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;

import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.config.ServerTemplate;
import org.sipmediadeploy.core.config.SpareSchedule;
import org.sipmediadeploy.core.config.StatusEndpoint;
import org.sipmediadeploy.core.sim.SimReport;
import org.sipmediadeploy.daemon.config.ConfigLoader;
import org.sipmediadeploy.daemon.config.ConfigProblems;
import org.sipmediadeploy.daemon.config.ScalerConfig;

/** Pool settings and output formats for {@code scalerctl simulate}. */
final class SimulationDefaults {
    private SimulationDefaults() {
    }

    static PoolConfig pool(Path config, String name) {
        if (config == null) {
            return new PoolConfig("sim", new ServerTemplate("gw", "m1", "net", List.of(), null, null, ""), 1, 1, 200,
                    new SpareSchedule(1, List.of(), ZoneId.of("UTC")),
                    new StatusEndpoint(8080, "/status", "idle", "can_be_terminated", Duration.ofSeconds(2),
                            Duration.ofSeconds(1)),
                    Duration.ofSeconds(5), Duration.ofMinutes(10), Duration.ofSeconds(60), Duration.ofMinutes(10),
                    Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofMinutes(30));
        }
        ScalerConfig c;
        try {
            c = ConfigLoader.load(config);
        } catch (ConfigProblems p) {
            throw new ScalerCtl.ConfigProblemsException(p);
        }
        if (c.pools().isEmpty()) {
            throw new IllegalArgumentException(config + " defines no pool");
        }
        if (name == null) {
            return c.pools().values().iterator().next();
        }
        PoolConfig p = c.pools().get(name);
        if (p == null) {
            throw new IllegalArgumentException("no pool '" + name + "' in " + config + " (pools: " + c.pools().keySet()
                    + ")");
        }
        return p;
    }

    static String json(Path trace, Duration bootDelay, List<SimReport> reports) {
        StringBuilder b = new StringBuilder();
        b.append("{\"trace\":\"").append(trace.toString().replace("\"", "\\\"")).append("\",\"boot_delay_s\":")
                .append(bootDelay.toSeconds()).append(",\"strategies\":[");
        for (int i = 0; i < reports.size(); i++) {
            SimReport r = reports.get(i);
            b.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"strategy\":\"%s\",\"calls\":%d,\"rejected\":%d,\"gateway_hours\":%.2f,\"peak_hosts\":%d,"
                            + "\"creates\":%d,\"deletes\":%d,\"busy_deleted\":%d}",
                    r.strategy(), r.calls(), r.rejected(), r.gatewayHours(), r.peakHosts(), r.creates(), r.deletes(),
                    r.busyDeleted()));
        }
        return b.append("]}").toString();
    }

    static void writeCsv(Path csv, List<SimReport> reports) throws IOException {
        StringBuilder b = new StringBuilder("second,strategy,hosts,busy,idle,rejected\n");
        for (SimReport r : reports) {
            for (SimReport.Sample s : r.timeline()) {
                b.append(s.second()).append(',').append(r.strategy()).append(',').append(s.hosts()).append(',')
                        .append(s.busyGateways()).append(',').append(s.idleGateways()).append(',')
                        .append(s.rejectedSoFar()).append('\n');
            }
        }
        Files.writeString(csv, b.toString(), StandardCharsets.UTF_8);
    }
}
