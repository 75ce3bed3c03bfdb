package org.sipmediadeploy.probes;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/** Starts the real servers the probes are tested against (Debian's kamailio, coturn, sip-tester). */
final class Servers {
    /** Put before every server command; the benchmark pins servers to another core with {@code taskset}. */
    static volatile List<String> commandPrefix = List.of();

    private Servers() {}

    private static List<String> prefixed(List<String> command) {
        List<String> all = new java.util.ArrayList<>(commandPrefix);
        all.addAll(command);
        return all;
    }

    static Path resource(String name, Path dir) throws IOException {
        Path target = dir.resolve(name);
        try (InputStream in = Servers.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    /** Kamailio in the foreground (-DD), UDP and TCP on the endpoint; ready once both accept traffic. */
    static RealProcess kamailio(Loopback.Endpoint at, Path dir) throws IOException {
        Path cfg = resource("kamailio-options.cfg", dir);
        Path run = Files.createDirectories(dir.resolve("run-" + at.host() + "-" + at.port()));
        RealProcess p = RealProcess.start(
                "kamailio@" + at.host(),
                dir.resolve("kamailio-" + at.host() + ".log"),
                prefixed(List.of(
                        "kamailio",
                        "-DD",
                        "-E",
                        "-f",
                        cfg.toString(),
                        "-m",
                        "32",
                        "-M",
                        "4",
                        "-Y",
                        run.toString(),
                        "-l",
                        "udp:" + at.host() + ":" + at.port(),
                        "-l",
                        "tcp:" + at.host() + ":" + at.port())));
        awaitReady(p, () -> Loopback.tcpListening(at.host(), at.port()) && Loopback.udpBound(at.host(), at.port()));
        return p;
    }

    /** A SIPp UAS running {@code scenario} over UDP on the endpoint. */
    static RealProcess sipp(String scenario, Loopback.Endpoint at, Path dir) throws IOException {
        Path sf = resource(scenario, dir);
        RealProcess p = RealProcess.start(
                "sipp@" + at.host(),
                dir.resolve("sipp-" + at.host() + ".log"),
                prefixed(List.of(
                        "sipp",
                        "-sf",
                        sf.toString(),
                        "-i",
                        at.host(),
                        "-p",
                        Integer.toString(at.port()),
                        "-t",
                        "u1",
                        "-nostdin",
                        "-trace_err",
                        "-error_file",
                        dir.resolve("sipp-" + at.host() + "-errors.log").toString())));
        awaitReady(p, () -> Loopback.udpBound(at.host(), at.port()));
        return p;
    }

    /** Coturn with long-term credentials, no TLS, loopback peers allowed, relay ports [minPort, maxPort]. */
    static RealProcess coturn(
            Loopback.Endpoint at, String user, String password, String realm, int minPort, int maxPort, Path dir)
            throws IOException {
        RealProcess p = RealProcess.start(
                "turnserver@" + at.host(),
                dir.resolve("turnserver-" + at.host() + ".log"),
                prefixed(List.of(
                        "turnserver",
                        "-n",
                        "--listening-ip=" + at.host(),
                        "--listening-port=" + at.port(),
                        "--relay-ip=" + at.host(),
                        "--min-port=" + minPort,
                        "--max-port=" + maxPort,
                        "--lt-cred-mech",
                        "--user=" + user + ":" + password,
                        "--realm=" + realm,
                        "--fingerprint",
                        "--no-tls",
                        "--no-dtls",
                        "--no-cli",
                        "--allow-loopback-peers",
                        "--db=" + dir.resolve("turn-" + at.host() + ".db"),
                        "--pidfile=" + dir.resolve("turn-" + at.host() + ".pid"),
                        "--log-file=stdout",
                        "--simple-log")));
        awaitReady(p, () -> Loopback.udpBound(at.host(), at.port()));
        return p;
    }

    private static void awaitReady(RealProcess p, java.util.concurrent.Callable<Boolean> ready) throws IOException {
        try {
            await("start of " + p)
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        if (!p.isAlive()) {
                            throw new IllegalStateException(p + " exited at start: " + Files.readString(p.log()));
                        }
                        return ready.call();
                    });
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }
}
