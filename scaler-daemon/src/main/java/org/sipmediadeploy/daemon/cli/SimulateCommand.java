package org.sipmediadeploy.daemon.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.sim.ReferenceRules;
import org.sipmediadeploy.core.sim.SimReport;
import org.sipmediadeploy.core.sim.Strategies;
import org.sipmediadeploy.core.sim.TraceSimulator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scalerctl simulate --trace FILE}: replays a call trace through this policy and the reference rules. */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        description = "Replay a call trace (CSV start,end; the SIPMediaGW export as is) through the scaling policy "
                + "and the two reference rules (SimpleScaleVM 2022, the SIPMediaGW v1.5 scaler), in simulated time, "
                + "and report rejected calls and gateway-hours against the physical limit (instant boot).")
final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--trace", required = true, description = "call trace CSV (.gz read through gzip)")
    Path trace;

    @Option(
            names = "--config",
            description = "scaler configuration whose pool section to use (only that section is "
                    + "read: no secret files needed; default: the built-in defaults)")
    Path config;

    @Option(names = "--pool", description = "pool name in the configuration (default: the first)")
    String pool;

    @Option(
            names = "--boot-delay",
            defaultValue = "PT120S",
            description = "host boot delay, ISO-8601 duration (default ${DEFAULT-VALUE})")
    Duration bootDelay;

    @Option(
            names = "--csv",
            description = "write the timeline (second, strategy, hosts, busy, idle, rejected) " + "to this CSV file")
    Path csv;

    @Option(
            names = "--plot",
            description =
                    "draw hosts, busy gateways and rejections over time for every strategy " + "into this SVG file")
    Path plot;

    @Option(names = "--json", description = "print the summary as JSON")
    boolean json;

    @Option(names = "--strict", description = "refuse a trace with a malformed row (default: skip and count it)")
    boolean strict;

    @Option(
            names = "--reference-spare",
            defaultValue = "2",
            description = "SimpleScaleVM's MIN: idle plus creating gateways it keeps (default ${DEFAULT-VALUE})")
    int referenceSpare;

    @Option(names = "--zone", description = "time zone of the v1.5 threshold table (default: the pool schedule's)")
    ZoneId zone;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (referenceSpare < 0) {
            err.println("--reference-spare must be >= 0, was " + referenceSpare);
            return ScalerCtl.USAGE;
        }
        if (bootDelay.isNegative()) {
            err.println("--boot-delay must not be negative, was " + bootDelay);
            return ScalerCtl.USAGE;
        }
        PoolConfig cfg = SimulationDefaults.pool(config, pool);
        TraceReader.Trace input;
        try {
            input = TraceReader.read(trace, strict);
        } catch (IllegalArgumentException | IOException e) {
            err.println(trace + ": " + e.getMessage());
            return ScalerCtl.FAILURE;
        }
        for (String example : input.skippedExamples()) {
            err.println(trace + ": skipped " + example);
        }
        ZoneId tableZone = zone != null ? zone : cfg.spare().zone();
        TraceSimulator sim = new TraceSimulator(cfg, bootDelay);
        List<SimReport> reports = new ArrayList<>();
        reports.add(sim.run(input.calls(), Strategies.scalingPolicy(cfg)));
        reports.add(sim.run(
                input.calls(), ReferenceRules.sipMediaGwV15(cfg, ReferenceRules.ThresholdTable.sample(tableZone))));
        reports.add(sim.run(input.calls(), ReferenceRules.simpleScaleVm2022(cfg, referenceSpare)));
        SimReport limit = TraceSimulator.physicalLimit(input.calls());
        List<String> warnings = new ArrayList<>();
        for (SimReport r : reports) {
            if (r.peakHosts() >= cfg.maxHosts()) {
                warnings.add(r.strategy() + " reached max-hosts " + cfg.maxHosts()
                        + ": its rejections are capped by the pool size, not by the rule");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(SimulationDefaults.json(trace, input.skipped(), bootDelay, limit, reports, warnings));
        } else {
            out.printf(
                    Locale.ROOT,
                    "trace %s: %d calls (%d malformed rows skipped), %.1f call-hours, boot delay "
                            + "%d s, %d gateway(s) per host, max-hosts %d%n",
                    trace,
                    input.calls().size(),
                    input.skipped(),
                    limit.gatewayHours(),
                    bootDelay.toSeconds(),
                    cfg.capacityPerHost(),
                    cfg.maxHosts());
            out.printf(
                    Locale.ROOT,
                    "%-20s %9s %8s %14s %9s %10s %8s %8s %12s%n",
                    "strategy",
                    "rejected",
                    "rej %",
                    "gateway-hours",
                    "x calls",
                    "peak hosts",
                    "creates",
                    "deletes",
                    "busy deleted");
            for (SimReport r : reports) {
                row(out, r, limit);
            }
            row(out, limit, limit);
            for (String w : warnings) {
                out.println("warning: " + w);
            }
        }
        if (csv != null) {
            SimulationDefaults.writeCsv(csv, reports);
        }
        if (plot != null) {
            List<SimReport> all = new ArrayList<>(reports);
            all.add(limit);
            SimulationPlot.write(plot, trace.getFileName().toString(), all);
        }
        return reports.stream().allMatch(r -> r.busyDeleted() == 0) ? ScalerCtl.OK : ScalerCtl.FAILURE;
    }

    private static void row(PrintWriter out, SimReport r, SimReport limit) {
        out.printf(
                Locale.ROOT,
                "%-20s %9d %8.2f %14.1f %9.2f %10d %8d %8d %12d%n",
                r.strategy(),
                r.rejected(),
                r.rejectedPercent(),
                r.gatewayHours(),
                ratio(r, limit),
                r.peakHosts(),
                r.creates(),
                r.deletes(),
                r.busyDeleted());
    }

    static double ratio(SimReport r, SimReport limit) {
        return limit.gatewayHours() == 0 ? 0 : r.gatewayHours() / limit.gatewayHours();
    }
}
