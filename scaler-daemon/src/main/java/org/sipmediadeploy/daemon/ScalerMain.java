package org.sipmediadeploy.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.sipmediadeploy.daemon.config.ConfigLoader;
import org.sipmediadeploy.daemon.config.ConfigProblems;
import org.sipmediadeploy.daemon.config.ScalerConfig;
import org.sipmediadeploy.daemon.logging.DecisionLog;
import org.sipmediadeploy.daemon.logging.Logging;
import org.sipmediadeploy.daemon.logging.Redaction;
import org.sipmediadeploy.daemon.metrics.Metrics;
import org.sipmediadeploy.raft.NotAMemberException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scaler run --config FILE}: one scaler node, until SIGTERM (a leader hands over leadership first). */
@Command(
        name = "scaler",
        mixinStandardHelpOptions = true,
        version = "scaler 0.1.0",
        description = "Run one node of the SIPMediaDeploy scaler cluster.",
        subcommands = ScalerMain.Run.class)
public final class ScalerMain implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ScalerMain.class);

    public static void main(String[] args) {
        System.exit(new CommandLine(new ScalerMain()).execute(args));
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 2;
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Start this node and run until stopped.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "HOCON configuration file")
        Path config;

        @Option(
                names = "--dry-run",
                split = ",",
                description = "pairs or pools whose decisions are committed and "
                        + "logged but not carried out (repeatable or comma-separated)")
        List<String> dryRun = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            ScalerConfig cfg;
            try {
                cfg = ConfigLoader.load(config);
            } catch (ConfigProblems p) {
                System.err.println(config + ": " + p.getMessage());
                return ConfigProblems.EXIT_CODE;
            }
            for (String name : dryRun) {
                if (!cfg.pairs().containsKey(name) && !cfg.pools().containsKey(name)) {
                    System.err.println("--dry-run " + name + ": no such pair or pool (pairs "
                            + cfg.pairs().keySet() + ", pools " + cfg.pools().keySet() + ")");
                    return 2;
                }
            }
            // Secrets first, so that not even a start-up log line can show one.
            cfg.secrets().forEach(Redaction::register);
            Logging.configure(
                    cfg.logging().format(), cfg.logging().file(), cfg.logging().logstash());
            Logging.nodeId(cfg.node().id());
            Metrics metrics = new Metrics();
            Daemon daemon;
            try {
                daemon = Daemon.start(cfg, dryRun, List.of(metrics.events(), new DecisionLog()), metrics::scrape);
            } catch (NotAMemberException e) {
                // The cluster's configuration excludes this node and its log is an old membership's: restarting
                // will not fix it (exit 78 stops systemd's restarts); the message says what to do.
                LOG.error("not starting: {}", e.getMessage());
                System.err.println("scaler: not starting: " + e.getMessage());
                metrics.close();
                return ConfigProblems.EXIT_CODE;
            }
            metrics.registerRaft(
                    daemon::role,
                    () -> daemon.raft().currentTerm(),
                    () -> daemon.raft().lastAppliedIndex());
            for (String pool : cfg.pools().keySet()) {
                metrics.registerPool(pool, () -> daemon.hostsByState(pool), () -> daemon.idleGateways(pool));
                metrics.registerPoolLimits(
                        pool,
                        cfg.pools().get(pool).minHosts(),
                        cfg.pools().get(pool).maxHosts());
            }
            for (String pair : cfg.pairs().keySet()) {
                metrics.registerPair(pair, () -> daemon.pairMode(pair));
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                LOG.info("stopping on signal");
                                daemon.close();
                                metrics.close();
                                stopped.countDown();
                            },
                            "scaler-shutdown"));
            stopped.await();
            return 0;
        }
    }
}
