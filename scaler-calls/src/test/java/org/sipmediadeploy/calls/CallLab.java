package org.sipmediadeploy.calls;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The one place of the call-test support: renders the kamailio role's configuration with the role's own tasks
 * (deploy/ci/render-kamailio-conf.yml), starts pair members from that one file, SIPp gateways and callers, and a
 * floating IP; stops everything it started, by process group, when closed.
 *
 * <p>Addresses: every instance has its own loopback address in 127.66.B.0/24 blocks: members 127.66.B.1-9,
 * floating IP 127.66.B.100, gateways 127.66.(B+1).N, callers 127.66.(B+2).N. Each test class uses its own B.
 */
final class CallLab implements AutoCloseable {
    static final String DOMAIN = "sip.calls.test";
    static final String PREFIX = "gw";
    static final String SECRET = "calls-test-secret-0123";
    static final int SIP_PORT = 5060;
    static final int DMQ_PORT = 5090;
    static final int RPC_PORT = 5071;

    private final Path dir;
    private final int block;
    private final Deque<Started> started = new ArrayDeque<>();
    private Path config;
    private boolean floatingIpOpen;

    private CallLab(Path dir, int block) {
        this.dir = dir;
        this.block = block;
    }

    /** A lab for one test class in loopback block {@code block} (its own addresses). */
    static CallLab open(String name, int block) {
        requireTool("/usr/sbin/kamailio", "kamailio");
        requireTool("/usr/bin/sipp", "sip-tester (SIPp)");
        requireTool("/usr/bin/ansible-playbook", "ansible");
        String stamp = LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
        Path dir = Path.of("target", "calls", name + "-" + stamp).toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new CallLab(dir, block);
    }

    private static void requireTool(String path, String debianPackage) {
        if (!Files.isExecutable(Path.of(path))) {
            throw new IllegalStateException(
                    path + " is missing: install the Debian package " + debianPackage + " (tools/setup.sh)");
        }
    }

    Path dir() {
        return dir;
    }

    String memberIp(int n) {
        return "127.66." + block + "." + n;
    }

    String floatingIp() {
        return "127.66." + block + ".100";
    }

    String gatewayIp(int n) {
        return "127.66." + (block + 1) + "." + n;
    }

    String callerIp(int n) {
        return "127.66." + (block + 2) + "." + n;
    }

    private static Path shortDir() {
        try {
            return Files.createTempDirectory(Path.of("/tmp"), "smd-calls-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Renders kamailio.cfg for a pair of {@code members} members behind the floating IP, with the role's variables
     * plus {@code extraVars} (YAML lines), through the role's own tasks and `kamailio -c` validation, in a lab of its
     * own ({@code name}, block {@code block}). Rendering takes seconds: once per test class, then {@link #use}.
     */
    static Path rendered(String name, int block, int members, String extraVars) {
        try (CallLab renderer = open(name, block)) {
            return renderer.render(members, extraVars);
        }
    }

    private Path render(int members, String extraVars) {
        // Kamailio refuses an included file whose path reaches 128 characters: in a deep checkout the rendered
        // files go to a short directory of their own.
        Path out = dir.toString().length() > 80 ? shortDir() : dir.resolve("etc");
        Path vars = dir.resolve("vars.yml");
        StringBuilder dmq = new StringBuilder();
        for (int i = 1; i <= members; i++) {
            dmq.append(i > 1 ? ", " : "").append(memberIp(i));
        }
        String yaml = "kamailio_listen_address: " + memberIp(1) + "\n"
                + "kamailio_advertise_address: " + floatingIp() + "\n"
                + "kamailio_domain: " + DOMAIN + "\n"
                + "kamailio_gateway_prefix: " + PREFIX + "\n"
                + "kamailio_gateway_password: \"" + SECRET + "\"\n"
                + "kamailio_dmq_members: [" + dmq + "]\n"
                + "kamailio_children: 2\n"
                + "kamailio_tcp_children: 2\n"
                + "ansible_python_interpreter: /usr/bin/python3\n"
                + extraVars;
        try {
            Files.createDirectories(out);
            Files.writeString(vars, yaml);
            Files.setPosixFilePermissions(vars, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path repo =
                Path.of(System.getProperty("calls.repo", "..")).toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder(
                        "ansible-playbook",
                        "-i",
                        "localhost,",
                        repo.resolve("deploy/ci/render-kamailio-conf.yml").toString(),
                        "-e",
                        "smd_out=" + out,
                        "-e",
                        "@" + vars)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("render.log").toFile());
        pb.environment()
                .put("ANSIBLE_ROLES_PATH", repo.resolve("deploy/ansible/roles").toString());
        pb.environment().put("ANSIBLE_NOCOLOR", "1");
        int rc = run(pb, Duration.ofMinutes(2));
        if (rc != 0) {
            throw new IllegalStateException(
                    "rendering kamailio.cfg with the role failed (exit " + rc + "), see " + dir.resolve("render.log"));
        }
        config = out.resolve("kamailio.cfg");
        return config;
    }

    /** Uses a configuration rendered by another lab of the same block (rendering takes seconds). */
    CallLab use(Path renderedConfig) {
        this.config = renderedConfig;
        return this;
    }

    /** Starts member {@code n} (address {@link #memberIp}) from the rendered file; per-instance values by -A/-l. */
    KamailioMember startMember(int n) {
        if (config == null) {
            throw new IllegalStateException("render() first");
        }
        String ip = memberIp(n);
        Path run = dir.resolve("run-" + n);
        try {
            Files.createDirectories(run);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String adv = "/" + floatingIp() + ":" + SIP_PORT;
        // -l without an advertised address first: Kamailio 5.6 carries one over to the following -l options.
        Started p = start(
                "kamailio-" + n,
                List.of(
                        "setsid",
                        "/usr/sbin/kamailio",
                        "-DD",
                        "-E",
                        "-f",
                        config.toString(),
                        "-m",
                        "32",
                        "-M",
                        "4",
                        "-Y",
                        run.toString(),
                        "-A",
                        "WITH_CMDLINE_LISTEN",
                        "-A",
                        "DMQ_SERVER_ADDRESS=\"sip:" + ip + ":" + DMQ_PORT + "\"",
                        "-l",
                        "udp:" + ip + ":" + DMQ_PORT,
                        "-l",
                        "tcp:" + ip + ":" + RPC_PORT,
                        "-l",
                        "udp:" + ip + ":" + SIP_PORT + adv,
                        "-l",
                        "tcp:" + ip + ":" + SIP_PORT + adv));
        return new KamailioMember(ip, p);
    }

    /** Starts member {@code n} and waits until it answers (20 s at most). */
    KamailioMember readyMember(int n) {
        KamailioMember member = startMember(n);
        await().atMost(Duration.ofSeconds(20)).until(member::ready);
        return member;
    }

    /**
     * A gateway {@code <prefix>.<host>.<n>} played by a SIPp UAS on its own address; not registered yet. With a
     * floating IP open, its responses go to the floating IP: the top Via of what the members relay names it, and
     * a real UA answers there (RFC 3261 18.2.2), whereas SIPp would answer the member that sent the INVITE even
     * after that member died.
     */
    SippGateway startGateway(String host, int n, int addressIndex) {
        String name = PREFIX + "." + host + "." + n;
        String ip = gatewayIp(addressIndex);
        Path messages = dir.resolve(name + ".messages");
        List<String> command = new ArrayList<>(List.of(
                "setsid",
                "/usr/bin/sipp",
                "-sf",
                scenario("gateway.xml").toString(),
                "-s",
                name,
                "-i",
                ip,
                "-p",
                "5070",
                "-nostdin",
                "-trace_msg",
                "-message_file",
                messages.toString()));
        if (floatingIpOpen) {
            command.addAll(List.of("-rsa", floatingIp() + ":" + SIP_PORT));
        }
        Started p = start(name, command);
        return new SippGateway(name, ip, 5070, messages, p);
    }

    /** {@link #startGateway}, then REGISTERed at {@code target} with the right secret: fails the test if refused. */
    SippGateway registeredGateway(String target, String host, int n, int addressIndex) {
        SippGateway gateway = startGateway(host, n, addressIndex);
        if (!register(gateway, target, SECRET)) {
            throw new AssertionError(gateway.name() + " could not register at " + target);
        }
        return gateway;
    }

    /** REGISTERs {@code gateway} at {@code target} with {@code secret}; true when Kamailio answered 200. */
    boolean register(SippGateway gateway, String target, String secret) {
        ProcessBuilder pb = new ProcessBuilder(
                        "/usr/bin/sipp",
                        target + ":" + SIP_PORT,
                        "-sf",
                        scenario("register.xml").toString(),
                        "-s",
                        gateway.name(),
                        "-au",
                        gateway.name(),
                        "-ap",
                        secret,
                        "-set",
                        "domain",
                        DOMAIN,
                        "-set",
                        "contact",
                        gateway.ip() + ":" + gateway.port(),
                        "-set",
                        "expires",
                        "600",
                        "-i",
                        gateway.ip(),
                        "-p",
                        "0",
                        "-m",
                        "1",
                        "-nostdin",
                        "-timeout",
                        "5s",
                        "-timeout_error")
                .redirectErrorStream(true)
                .redirectOutput(
                        dir.resolve("register-" + gateway.name() + ".log").toFile());
        return run(pb, Duration.ofSeconds(15)) == 0;
    }

    /** Starts one call from caller address {@code callerIndex} to room {@code room} through {@code target}. */
    SippCall call(String target, String room, Duration hold, int callerIndex) {
        Path log = dir.resolve("call-" + room + "-" + System.nanoTime() + ".log");
        List<String> command = caller(target, room, hold, callerIndex);
        command.addAll(List.of(
                "-m",
                "1",
                "-nostdin",
                "-timeout",
                (hold.toSeconds() + 15) + "s",
                "-timeout_error",
                "-trace_logs",
                "-log_file",
                log.toString()));
        return new SippCall(room, log, start("caller-" + room, command));
    }

    /**
     * A caller placing {@code calls} new calls, {@code perSecond} a second, each held {@code hold}, through
     * {@code target}; every message it sends and receives lands in {@code messages} with its time.
     */
    CallLab.Started callStream(String target, int calls, int perSecond, Duration hold, int callerIndex, Path messages) {
        List<String> command = caller(target, "bench", hold, callerIndex);
        command.addAll(List.of(
                "-r",
                Integer.toString(perSecond),
                "-rp",
                "1000",
                "-m",
                Integer.toString(calls),
                "-nostdin",
                // a call whose INVITE got its 100 Trying from a member that then froze waits for nothing else:
                // abandon it after 10 s (it counts as failed), as a caller would give up
                "-recv_timeout",
                "10s",
                "-trace_msg",
                "-message_file",
                messages.toString()));
        return start("caller-stream", command);
    }

    /** The SIPp caller scenario from caller address {@code callerIndex} to {@code room}, calls held {@code hold}. */
    private List<String> caller(String target, String room, Duration hold, int callerIndex) {
        return new ArrayList<>(List.of(
                "setsid",
                "/usr/bin/sipp",
                target + ":" + SIP_PORT,
                "-sf",
                scenario("caller.xml").toString(),
                "-set",
                "domain",
                DOMAIN,
                "-set",
                "room",
                room,
                "-d",
                Long.toString(hold.toMillis()),
                "-i",
                callerIp(callerIndex),
                "-p",
                "0"));
    }

    /** A floating IP on {@link #floatingIp()}:5060 forwarding to {@code target} (a member address). */
    FloatingIp floatingIp(String target) {
        FloatingIp fip = FloatingIp.open(floatingIp(), SIP_PORT, target, SIP_PORT);
        floatingIpOpen = true;
        started.push(new Started("floating-ip", null, fip));
        return fip;
    }

    private Path scenario(String name) {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            try (InputStream in = CallLab.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException(name + " missing from the test resources");
                }
                Files.write(file, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return file;
    }

    private Started start(String name, List<String> command) {
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve(name + ".out").toFile())
                    .start();
            Started s = new Started(name, process, null);
            started.push(s);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    private static int run(ProcessBuilder pb, Duration timeout) {
        try {
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() {
        List<RuntimeException> errors = new ArrayList<>();
        while (!started.isEmpty()) {
            try {
                started.pop().stop();
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }
        if (!errors.isEmpty()) {
            throw errors.get(0);
        }
    }

    /** A process started in its own process group (setsid: its pid is the group id), or a closeable. */
    static final class Started {
        private final String name;
        private final Process process;
        private final AutoCloseable closeable;

        Started(String name, Process process, AutoCloseable closeable) {
            this.name = name;
            this.process = process;
            this.closeable = closeable;
        }

        long pid() {
            return process.pid();
        }

        boolean alive() {
            return process.isAlive();
        }

        /** Sends {@code signal} to the whole process group (Kamailio's children included). */
        void signal(String signal) {
            try {
                new ProcessBuilder("kill", "-" + signal, "--", "-" + process.pid())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start()
                        .waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        int waitFor(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException(name + " still running after " + timeout);
                }
                return process.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        void stop() {
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing " + name, e);
                }
                return;
            }
            if (process.isAlive()) {
                signal("CONT");
                signal("TERM");
                try {
                    if (!process.waitFor(5, TimeUnit.SECONDS)) {
                        signal("KILL");
                        process.waitFor(5, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
