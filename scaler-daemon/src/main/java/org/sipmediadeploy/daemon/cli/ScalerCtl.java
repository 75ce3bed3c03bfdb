package org.sipmediadeploy.daemon.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.config.SpareSchedule;
import org.sipmediadeploy.core.sim.Call;
import org.sipmediadeploy.core.sim.SimReport;
import org.sipmediadeploy.core.sim.Strategies;
import org.sipmediadeploy.core.sim.TraceSimulator;
import org.sipmediadeploy.core.sim.Traces;
import org.sipmediadeploy.daemon.config.ConfigLoader;
import org.sipmediadeploy.daemon.config.ConfigProblems;
import org.sipmediadeploy.daemon.config.ScalerConfig;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code scalerctl}: the operator's command line. Exit codes: 0 ok, 1 failure, 2 usage, 3 cluster unreachable or
 * no leader, 78 bad configuration.
 */
@Command(name = "scalerctl", mixinStandardHelpOptions = true, version = "scalerctl 0.1.0",
        description = "Operate a SIPMediaDeploy scaler cluster.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:ok", "1:failure", "2:usage error", "3:cluster unreachable or no leader",
                "78:bad configuration"},
        subcommands = {RemoteCommands.Status.class, RemoteCommands.Members.class, RemoteCommands.History.class,
                RemoteCommands.Failover.class, RemoteCommands.Pause.class, RemoteCommands.Resume.class,
                RemoteCommands.Drain.class, ScalerCtl.ConfigCmd.class, ScalerCtl.Simulate.class,
                CommandLine.HelpCommand.class, picocli.AutoComplete.GenerateCompletion.class})
public final class ScalerCtl implements Callable<Integer> {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;

    @Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Logs go to stderr as text at WARN: stdout is for tables and --json only.
        org.sipmediadeploy.daemon.logging.Logging.forCli();
        System.exit(run(args, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
    }

    /** Runs a command line and returns its exit code (for tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new ScalerCtl());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? USAGE
                : e instanceof ConfigProblemsException ? ConfigProblems.EXIT_CODE : FAILURE);
        cl.setExecutionExceptionHandler((e, c, parse) -> {
            if (e instanceof ConfigProblemsException p) {
                c.getErr().println(p.getMessage());
                return ConfigProblems.EXIT_CODE;
            }
            c.getErr().println("error: " + e.getMessage());
            return FAILURE;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return USAGE;
    }

    /** {@code scalerctl config check FILE}. */
    @Command(name = "config", description = "Configuration commands.", subcommands = ConfigCmd.Check.class,
            mixinStandardHelpOptions = true)
    static final class ConfigCmd implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getOut());
            return USAGE;
        }

        @Command(name = "check", description = "Validate a scaler configuration file; prints every problem with "
                + "its key path and exits 78 when there is any.", mixinStandardHelpOptions = true)
        static final class Check implements Callable<Integer> {
            @Parameters(paramLabel = "FILE", description = "the HOCON configuration file")
            Path file;

            @Spec
            CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() {
                try {
                    ScalerConfig c = ConfigLoader.load(file);
                    spec.commandLine().getOut().printf(Locale.ROOT,
                            "%s: ok (node %s, %d peers, pairs %s, pools %s)%n", file, c.node().id(),
                            c.cluster().peers().size(), c.pairs().keySet(), c.pools().keySet());
                    return OK;
                } catch (ConfigProblems p) {
                    spec.commandLine().getErr().println(file + ": " + p.getMessage());
                    return ConfigProblems.EXIT_CODE;
                }
            }
        }
    }

    /** {@code scalerctl simulate --trace FILE}: replays a call trace through the policies. */
    @Command(name = "simulate", mixinStandardHelpOptions = true,
            description = "Replay a call trace (CSV start,end) through the scaling policy and the two reference rules "
                    + "(the 2022 fixed spare minimum polled every 60 s; the time-of-day threshold rule), in "
                    + "simulated time, and report rejected calls and gateway-hours.")
    static final class Simulate implements Callable<Integer> {
        @Option(names = "--trace", required = true, description = "call trace CSV")
        Path trace;

        @Option(names = "--config", description = "scaler configuration whose pool settings to use "
                + "(default: the built-in defaults)")
        Path config;

        @Option(names = "--pool", description = "pool name in the configuration (default: the first)")
        String pool;

        @Option(names = "--boot-delay", defaultValue = "PT90S",
                description = "host boot delay, ISO-8601 duration (default ${DEFAULT-VALUE})")
        Duration bootDelay;

        @Option(names = "--csv", description = "write the timeline (second, strategy, hosts, busy, idle, rejected) "
                + "to this CSV file")
        Path csv;

        @Option(names = "--json", description = "print the summary as JSON")
        boolean json;

        @Option(names = "--reference-spare", defaultValue = "2",
                description = "idle gateways the two reference rules aim at (their own threshold; default "
                        + "${DEFAULT-VALUE}, the SIPMediaGW setting); this policy uses the pool's spare as its floor")
        int referenceSpare;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PoolConfig cfg = SimulationDefaults.pool(config, pool);
            if (referenceSpare < 0) {
                spec.commandLine().getErr().println("--reference-spare must be >= 0, was " + referenceSpare);
                return USAGE;
            }
            List<Call> calls;
            try {
                calls = Traces.parse(Files.readString(trace, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println(trace + ": " + e.getMessage());
                return FAILURE;
            }
            TraceSimulator sim = new TraceSimulator(cfg, bootDelay);
            List<SimReport> reports = new ArrayList<>();
            reports.add(sim.run(calls, Strategies.scalingPolicy(cfg)));
            reports.add(sim.run(calls, Strategies.timeOfDayThreshold(cfg, SpareSchedule.constant(referenceSpare))));
            reports.add(sim.run(calls, Strategies.fixedSpareMinimum(cfg, referenceSpare)));
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(SimulationDefaults.json(trace, bootDelay, reports));
            } else {
                out.printf(Locale.ROOT, "trace %s: %d calls, boot delay %d s, %d gateway(s) per host%n", trace,
                        calls.size(), bootDelay.toSeconds(), cfg.capacityPerHost());
                out.printf(Locale.ROOT, "%-28s %9s %9s %14s %10s %8s %8s %12s%n", "strategy", "rejected", "rej %",
                        "gateway-hours", "peak hosts", "creates", "deletes", "busy deleted");
                for (SimReport r : reports) {
                    out.printf(Locale.ROOT, "%-28s %9d %9.2f %14.1f %10d %8d %8d %12d%n", r.strategy(), r.rejected(),
                            r.rejectedPercent(), r.gatewayHours(), r.peakHosts(), r.creates(), r.deletes(),
                            r.busyDeleted());
                }
            }
            if (csv != null) {
                SimulationDefaults.writeCsv(csv, reports);
            }
            return reports.get(0).busyDeleted() == 0 ? OK : FAILURE;
        }
    }

    /** Wraps config problems so picocli maps them to exit 78. */
    static final class ConfigProblemsException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConfigProblemsException(ConfigProblems p) {
            super(p.getMessage(), null, false, false);
        }
    }
}
