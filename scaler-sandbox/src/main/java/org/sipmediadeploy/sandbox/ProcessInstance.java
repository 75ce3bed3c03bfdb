package org.sipmediadeploy.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Kamailio or turnserver. Each is started under {@code setsid} so that it leads its own process group:
 * Kamailio forks worker processes that survive its main PID, so every signal (stop, kill, freeze, resume) goes
 * to the whole group, never to a process found by name.
 */
final class ProcessInstance extends ProcessGroupInstance {
    static final Path KAMAILIO = Path.of("/usr/sbin/kamailio");
    static final Path TURNSERVER = Path.of("/usr/bin/turnserver");

    private final String kind;
    private final List<String> command;
    private final Path dir;
    private final List<SandboxConfig.PortSpec> ports;

    private ProcessInstance(String kind, List<String> command, Path dir, List<SandboxConfig.PortSpec> ports) {
        super(3000, 2000);
        this.kind = kind;
        this.command = List.copyOf(command);
        this.dir = dir;
        this.ports = List.copyOf(ports);
    }

    static boolean kamailioInstalled() {
        return Files.isExecutable(KAMAILIO);
    }

    static boolean turnserverInstalled() {
        return Files.isExecutable(TURNSERVER);
    }

    /**
     * Kamailio from the deploy kit's kamailio.cfg ({@code cfg}, rendered by the role) on UDP and TCP 5060 of
     * {@code host}, standing alone (its DMQ peer is itself); its Server header names the sandbox server, so a test
     * can tell which server answered through a floating IP.
     */
    static ProcessInstance kamailio(Path dir, String host, String serverName, Path cfg) {
        try {
            Files.createDirectories(dir.resolve("run"));
            String dmq = "\"sip:" + host + ":5090\"";
            // -l without an advertised address first: Kamailio 5.6 carries one over to the following -l options.
            List<String> cmd = List.of(
                    "setsid",
                    KAMAILIO.toString(),
                    "-DD",
                    "-E",
                    "-f",
                    cfg.toString(),
                    "-m",
                    "32",
                    "-M",
                    "4",
                    "-Y",
                    dir.resolve("run").toString(),
                    "-A",
                    "WITH_CMDLINE_LISTEN",
                    "-A",
                    "SERVER_HEADER=\"Server: kamailio " + serverName.replaceAll("[^A-Za-z0-9._-]", "_") + "\"",
                    "-A",
                    "DMQ_SERVER_ADDRESS=" + dmq,
                    "-A",
                    "DMQ_NOTIFICATION_ADDRESS=" + dmq,
                    "-l",
                    "udp:" + host + ":5090",
                    "-l",
                    "tcp:" + host + ":5071",
                    "-l",
                    "udp:" + host + ":5060",
                    "-l",
                    "tcp:" + host + ":5060");
            return new ProcessInstance(
                    "kamailio",
                    cmd,
                    dir,
                    List.of(
                            new SandboxConfig.PortSpec(SandboxConfig.Protocol.UDP, 5060),
                            new SandboxConfig.PortSpec(SandboxConfig.Protocol.TCP, 5060)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * turnserver from the deploy kit's turnserver.conf ({@code conf}, rendered from the coturn role with the
     * sandbox's credentials) on UDP and TCP 3478 of {@code host}, relaying on that address: its address, database
     * and log lines are rewritten for this server into a copy (0600, it holds the credentials).
     */
    static ProcessInstance coturn(Path dir, String host, Path conf) {
        try {
            Files.createDirectories(dir);
            List<String> lines = new ArrayList<>();
            for (String line : Files.readAllLines(conf)) {
                String key = line.contains("=") ? line.substring(0, line.indexOf('=')) : line;
                switch (key) {
                    case "listening-ip", "relay-ip", "external-ip", "userdb", "log-file" -> {
                        // rewritten below for this server
                    }
                    default -> lines.add(line);
                }
            }
            lines.addAll(List.of(
                    "listening-ip=" + host,
                    "relay-ip=" + host,
                    "userdb=" + dir.resolve("turndb"),
                    "log-file=stdout",
                    "pidfile=" + dir.resolve("turnserver.pid")));
            Path own = dir.resolve("turnserver.conf");
            Files.deleteIfExists(own);
            Files.createFile(own, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(own, lines);
            List<String> cmd = List.of("setsid", TURNSERVER.toString(), "-c", own.toString());
            return new ProcessInstance(
                    "coturn",
                    cmd,
                    dir,
                    List.of(
                            new SandboxConfig.PortSpec(SandboxConfig.Protocol.UDP, 3478),
                            new SandboxConfig.PortSpec(SandboxConfig.Protocol.TCP, 3478)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public List<SandboxConfig.PortSpec> ports() {
        return ports;
    }

    @Override
    ProcessBuilder processBuilder() {
        Path log = dir.resolve(kind + ".log");
        return new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    }
}
