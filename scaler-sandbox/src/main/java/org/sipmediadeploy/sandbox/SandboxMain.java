package org.sipmediadeploy.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a sandbox until SIGINT/SIGTERM. Prints {@code KEYSTONE_URL=...} and {@code CONTROL_URL=...} first, then
 * one {@code PAIR {...}} JSON line per pre-created pair.
 *
 * <pre>
 * java -cp ... org.sipmediadeploy.sandbox.SandboxMain [--port 5500] [--bind 127.0.0.1] [--boot-delay-ms 1000]
 *      [--event-log events.jsonl] [--work-dir DIR] [--tag demo] [--builtin-only] [--address-block 0]
 *      [--pair kamailio=sipmediadeploy-kamailio] [--pair coturn=sipmediadeploy-coturn]
 * </pre>
 */
public final class SandboxMain {
    private SandboxMain() {}

    public static void main(String[] args) throws InterruptedException {
        SandboxConfig.Builder b =
                SandboxConfig.defaults().toBuilder().apiPort(5500).bootDelay(Duration.ofSeconds(1));
        String tag = "sandbox";
        List<String[]> pairs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--port" -> {
                    b.apiPort(Integer.parseInt(need(a, v)));
                    i++;
                }
                case "--bind" -> {
                    b.bindHost(need(a, v));
                    i++;
                }
                case "--boot-delay-ms" -> {
                    b.bootDelay(Duration.ofMillis(Long.parseLong(need(a, v))));
                    i++;
                }
                case "--event-log" -> {
                    b.eventLogFile(Path.of(need(a, v)));
                    i++;
                }
                case "--work-dir" -> {
                    b.workDir(Path.of(need(a, v)));
                    i++;
                }
                case "--tag" -> {
                    tag = need(a, v);
                    i++;
                }
                case "--address-block" -> {
                    b.addressBlock(Integer.parseInt(need(a, v)));
                    i++;
                }
                case "--builtin-only" -> b.processes(SandboxConfig.Processes.BUILTIN);
                case "--pair" -> {
                    String[] kv = need(a, v).split("=", 2);
                    if (kv.length != 2) {
                        usage("--pair wants NAME=IMAGE");
                    }
                    pairs.add(kv);
                    i++;
                }
                case "--help", "-h" -> usage(null);
                default -> usage("unknown option " + a);
            }
        }
        Sandbox sandbox = Sandbox.start(b.build());
        System.out.println("KEYSTONE_URL=" + sandbox.keystoneUrl());
        System.out.println("CONTROL_URL=" + sandbox.controlUrl());
        for (String[] p : pairs) {
            Sandbox.Pair pair = sandbox.createPair(p[0], p[1], tag);
            System.out.println("PAIR " + Json.string(pair));
        }
        System.out.flush();
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(forever::countDown, "sandbox-main-exit"));
        forever.await();
    }

    private static String need(String option, String value) {
        if (value == null) {
            usage(option + " needs a value");
        }
        return value;
    }

    private static void usage(String error) {
        if (error != null) {
            System.err.println(error);
        }
        System.err.println("usage: SandboxMain [--port N] [--bind IP] [--boot-delay-ms N] [--event-log FILE]"
                + " [--work-dir DIR] [--tag TAG] [--builtin-only] [--address-block N] [--pair NAME=IMAGE]...");
        System.exit(error == null ? 0 : 64);
    }
}
