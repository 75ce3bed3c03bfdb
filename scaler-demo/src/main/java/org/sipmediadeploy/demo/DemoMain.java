package org.sipmediadeploy.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.sipmediadeploy.sandbox.Sandbox;

/** {@code ./scaler demo}: the 3-node cluster on the local sandbox cloud, until Ctrl-C. */
public final class DemoMain {
    private DemoMain() {}

    public static void main(String[] args) throws Exception {
        Path work = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("sipmediadeploy-demo-");
        boolean builtin = args.length > 1 && args[1].equals("--builtin-only");
        DemoCluster demo = DemoCluster.start(work, 0, builtin);
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.out.println("stopping the demo: scaler nodes, sandbox servers, floating IPs ...");
                            demo.close();
                            done.countDown();
                        },
                        "demo-shutdown"));
        Sandbox.Pair kam = demo.kamailio();
        Sandbox.Pair cot = demo.coturn();
        String conf1 = work.resolve("scaler-1.conf").toString();
        StringBuilder b = new StringBuilder();
        b.append("SIPMediaDeploy demo is up: 3 scaler nodes on a local sandbox cloud.\n");
        b.append("  sandbox Keystone : ").append(demo.sandbox().keystoneUrl()).append('\n');
        b.append("  Kamailio pair    : floating IP ")
                .append(kam.floatingAddress())
                .append(" -> kamailio-a (")
                .append(kam.fixedA())
                .append("), standby kamailio-b (")
                .append(kam.fixedB())
                .append(")\n");
        b.append("  Coturn pair      : floating IP ")
                .append(cot.floatingAddress())
                .append(" -> coturn-a (")
                .append(cot.fixedA())
                .append("), standby coturn-b (")
                .append(cot.fixedB())
                .append(")\n");
        b.append("  scaler nodes     : configs and logs in ")
                .append(work)
                .append(", admin ports ")
                .append(demo.adminPorts())
                .append('\n');
        b.append("Try:\n");
        b.append("  ./scaler ctl status --config ").append(conf1).append('\n');
        b.append("  ./scaler ctl history --config ").append(conf1).append('\n');
        b.append("  sipsak -s sip:demo@")
                .append(kam.floatingAddress())
                .append(":5060   # OPTIONS through the floating IP\n");
        b.append("Kill the active Kamailio and watch the floating IP move:\n");
        b.append("  curl -X POST ")
                .append(demo.sandbox().controlUrl())
                .append("/servers/")
                .append(kam.serverA())
                .append("/kill\n");
        b.append("Ctrl-C stops everything.");
        System.out.println(b);
        done.await();
    }
}
