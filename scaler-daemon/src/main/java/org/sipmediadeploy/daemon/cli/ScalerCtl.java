package org.sipmediadeploy.daemon.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sipmediadeploy.daemon.config.ConfigLoader;
import org.sipmediadeploy.daemon.config.ConfigProblems;
import org.sipmediadeploy.daemon.config.ScalerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code scalerctl}: the operator's command line. Exit codes: 0 ok, 1 failure, 2 usage, 3 cluster unreachable or
 * no leader, 78 bad configuration.
 */
@Command(
        name = "scalerctl",
        mixinStandardHelpOptions = true,
        version = "scalerctl 0.1.0",
        description = "Operate a SIPMediaDeploy scaler cluster.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:ok",
            "1:failure",
            "2:usage error",
            "3:cluster unreachable or no leader",
            "78:bad configuration"
        },
        subcommands = {
            StatusCommand.class,
            MembersCommand.class,
            HistoryCommand.class,
            OperatorActions.Failover.class,
            OperatorActions.Pause.class,
            OperatorActions.Resume.class,
            OperatorActions.Drain.class,
            ScalerCtl.ConfigCmd.class,
            SimulateCommand.class,
            CommandLine.HelpCommand.class,
            picocli.AutoComplete.GenerateCompletion.class
        })
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
        System.exit(run(
                args,
                new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
    }

    /** Runs a command line and returns its exit code (for tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new ScalerCtl());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException
                ? USAGE
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
    @Command(
            name = "config",
            description = "Configuration commands.",
            subcommands = ConfigCmd.Check.class,
            mixinStandardHelpOptions = true)
    static final class ConfigCmd implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getOut());
            return USAGE;
        }

        @Command(
                name = "check",
                description = "Validate a scaler configuration file; prints every problem with "
                        + "its key path and exits 78 when there is any.",
                mixinStandardHelpOptions = true)
        static final class Check implements Callable<Integer> {
            @Parameters(paramLabel = "FILE", description = "the HOCON configuration file")
            Path file;

            @Spec
            CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() {
                try {
                    ScalerConfig c = ConfigLoader.load(file);
                    spec.commandLine()
                            .getOut()
                            .printf(
                                    Locale.ROOT,
                                    "%s: ok (node %s, %d peers, pairs %s, pools %s)%n",
                                    file,
                                    c.node().id(),
                                    c.cluster().peers().size(),
                                    c.pairs().keySet(),
                                    c.pools().keySet());
                    return OK;
                } catch (ConfigProblems p) {
                    spec.commandLine().getErr().println(file + ": " + p.getMessage());
                    return ConfigProblems.EXIT_CODE;
                }
            }
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
