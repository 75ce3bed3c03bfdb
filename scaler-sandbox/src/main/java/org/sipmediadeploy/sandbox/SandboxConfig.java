package org.sipmediadeploy.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.sipmediadeploy.core.model.Secret;

/**
 * How a sandbox is set up. Start from {@link #defaults()} and change what a test needs with {@link #toBuilder()}.
 *
 * <p>Addresses: a server's fixed IP is {@code fixedPrefix + n} (e.g. 127.0.10.5: what Neutron reports and what
 * probes reach), its processes listen on {@code hostPrefix + n} behind a per-server forwarder (that forwarder is
 * where "drop" and "reject" faults act), and floating IPs are {@code floatingPrefix + m}. Each prefix is three
 * octets of 127.0.0.0/8 with a trailing dot.
 *
 * @param apiPort          the HTTP port of every API (Keystone, Nova, Neutron, Glance, control); 0 picks a free one
 * @param bootDelay        BUILD → ACTIVE
 * @param deleteDelay      how long a deleted server still shows (task_state deleting) before 404
 * @param tokenTtl         token lifetime (Keystone's default is 24 h)
 * @param forwardedPorts   the ports a floating IP forwards (UDP and TCP as listed), like a router's DNAT
 * @param maxServers       Nova instance quota (403 beyond it)
 * @param maxFloatingIps   Neutron floating IP quota (409 OverQuota beyond it)
 * @param gatewaysPerHost  gateways a built-in gateway host reports in its status
 * @param processes        AUTO runs Kamailio / turnserver for images named so when the binaries exist; BUILTIN never
 * @param workDir          where per-server configs and logs go; null = a fresh temporary directory
 * @param eventLogFile     JSON lines event log; null = in memory only
 * @param seed             seeds the fault-rate random source, so a faulty run can be replayed
 * @param scalerVm         how a server made from an image whose name contains "scaler" runs a real scaler daemon
 *                         from its cloud-init user data; null = such servers run built-in responders
 */
public record SandboxConfig(
        String bindHost,
        int apiPort,
        String region,
        List<User> users,
        List<AppCredential> applicationCredentials,
        Duration tokenTtl,
        Duration bootDelay,
        Duration deleteDelay,
        String fixedPrefix,
        String hostPrefix,
        String floatingPrefix,
        List<String> images,
        List<String> flavors,
        List<String> securityGroups,
        List<PortSpec> forwardedPorts,
        int maxServers,
        int maxFloatingIps,
        int gatewaysPerHost,
        String turnUser,
        Secret turnPassword,
        String turnRealm,
        Processes processes,
        Path workDir,
        Path eventLogFile,
        long seed,
        ScalerVm scalerVm) {

    /**
     * A scaler VM: {@code command} starts the daemon (e.g. {@code java -cp ... org.sipmediadeploy.daemon.ScalerMain
     * run}; the sandbox cannot depend on the daemon, so the caller gives the command line) and is followed by
     * {@code --config ROOT/configPath}, where ROOT is the server's own directory into which the user data's
     * {@code write_files} were written.
     */
    public record ScalerVm(List<String> command, String configPath) {
        public static final String DEFAULT_CONFIG_PATH = "/etc/sipmediadeploy/scaler.conf";

        public ScalerVm {
            command = List.copyOf(command);
            Objects.requireNonNull(configPath, "configPath");
            if (command.isEmpty()) {
                throw new IllegalArgumentException("a scaler VM needs a command");
            }
            if (!configPath.startsWith("/")) {
                throw new IllegalArgumentException("configPath must be absolute (a path inside the VM): " + configPath);
            }
        }
    }

    /** A Keystone user with a project of the same domain (Default). */
    public record User(String name, Secret password, String project) {
        public User {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(project, "project");
        }
    }

    /** A Keystone application credential of {@code user}, scoped to that user's project. */
    public record AppCredential(String id, String name, Secret secret, String user) {
        public AppCredential {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(user, "user");
        }
    }

    /** One forwarded port. */
    public record PortSpec(Protocol protocol, int port) {
        public PortSpec {
            Objects.requireNonNull(protocol, "protocol");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        }
    }

    public enum Protocol {
        UDP,
        TCP
    }

    public enum Processes {
        AUTO,
        BUILTIN
    }

    public SandboxConfig {
        Objects.requireNonNull(bindHost, "bindHost");
        Objects.requireNonNull(region, "region");
        users = List.copyOf(users);
        applicationCredentials = List.copyOf(applicationCredentials);
        images = List.copyOf(images);
        flavors = List.copyOf(flavors);
        securityGroups = List.copyOf(securityGroups);
        forwardedPorts = List.copyOf(forwardedPorts);
        Objects.requireNonNull(tokenTtl, "tokenTtl");
        Objects.requireNonNull(bootDelay, "bootDelay");
        Objects.requireNonNull(deleteDelay, "deleteDelay");
        Objects.requireNonNull(processes, "processes");
        Objects.requireNonNull(turnPassword, "turnPassword");
        for (String p : List.of(fixedPrefix, hostPrefix, floatingPrefix)) {
            if (!p.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.")) {
                throw new IllegalArgumentException("address prefix must look like 127.x.y. : " + p);
            }
        }
        if (fixedPrefix.equals(hostPrefix) || fixedPrefix.equals(floatingPrefix) || hostPrefix.equals(floatingPrefix)) {
            throw new IllegalArgumentException("fixed, host and floating prefixes must differ");
        }
        if (apiPort < 0 || apiPort > 65535) {
            throw new IllegalArgumentException("apiPort out of range: " + apiPort);
        }
    }

    /** Kamailio on 5060, TURN on 3478, gateway status on 8080: the ports the demo's services use. */
    public static final List<PortSpec> DEFAULT_PORTS = List.of(
            new PortSpec(Protocol.UDP, 5060),
            new PortSpec(Protocol.TCP, 5060),
            new PortSpec(Protocol.UDP, 3478),
            new PortSpec(Protocol.TCP, 3478),
            new PortSpec(Protocol.TCP, 8080));

    public static SandboxConfig defaults() {
        return new SandboxConfig(
                "127.0.0.1",
                0,
                "RegionOne",
                List.of(new User("admin", Secret.of("s3cret"), "admin")),
                List.of(new AppCredential(
                        "c0ffee00sandbox0appcred0000000001", "scaler", Secret.of("appcred-s3cret"), "admin")),
                Duration.ofHours(24),
                Duration.ofMillis(500),
                Duration.ofMillis(300),
                "127.0.10.",
                "127.0.11.",
                "127.0.20.",
                List.of(
                        "fake-image",
                        "sipmediadeploy-kamailio",
                        "sipmediadeploy-coturn",
                        "sipmediadeploy-gateway",
                        "sipmediadeploy-scaler"),
                List.of("m1.tiny", "m1.small", "m1.medium"),
                List.of("default"),
                DEFAULT_PORTS,
                50,
                50,
                4,
                "turnuser",
                Secret.of("turnpass"),
                "sandbox.local",
                Processes.AUTO,
                null,
                null,
                42L,
                null);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes a few fields of a config. */
    public static final class Builder {
        private String bindHost;
        private int apiPort;
        private String region;
        private List<User> users;
        private List<AppCredential> applicationCredentials;
        private Duration tokenTtl;
        private Duration bootDelay;
        private Duration deleteDelay;
        private String fixedPrefix;
        private String hostPrefix;
        private String floatingPrefix;
        private List<String> images;
        private List<String> flavors;
        private List<String> securityGroups;
        private List<PortSpec> forwardedPorts;
        private int maxServers;
        private int maxFloatingIps;
        private int gatewaysPerHost;
        private String turnUser;
        private Secret turnPassword;
        private String turnRealm;
        private Processes processes;
        private Path workDir;
        private Path eventLogFile;
        private long seed;
        private ScalerVm scalerVm;

        private Builder(SandboxConfig c) {
            bindHost = c.bindHost;
            apiPort = c.apiPort;
            region = c.region;
            users = c.users;
            applicationCredentials = c.applicationCredentials;
            tokenTtl = c.tokenTtl;
            bootDelay = c.bootDelay;
            deleteDelay = c.deleteDelay;
            fixedPrefix = c.fixedPrefix;
            hostPrefix = c.hostPrefix;
            floatingPrefix = c.floatingPrefix;
            images = c.images;
            flavors = c.flavors;
            securityGroups = c.securityGroups;
            forwardedPorts = c.forwardedPorts;
            maxServers = c.maxServers;
            maxFloatingIps = c.maxFloatingIps;
            gatewaysPerHost = c.gatewaysPerHost;
            turnUser = c.turnUser;
            turnPassword = c.turnPassword;
            turnRealm = c.turnRealm;
            processes = c.processes;
            workDir = c.workDir;
            eventLogFile = c.eventLogFile;
            seed = c.seed;
            scalerVm = c.scalerVm;
        }

        public Builder bindHost(String v) {
            bindHost = v;
            return this;
        }

        public Builder apiPort(int v) {
            apiPort = v;
            return this;
        }

        public Builder region(String v) {
            region = v;
            return this;
        }

        public Builder users(List<User> v) {
            users = v;
            return this;
        }

        public Builder applicationCredentials(List<AppCredential> v) {
            applicationCredentials = v;
            return this;
        }

        public Builder tokenTtl(Duration v) {
            tokenTtl = v;
            return this;
        }

        public Builder bootDelay(Duration v) {
            bootDelay = v;
            return this;
        }

        public Builder deleteDelay(Duration v) {
            deleteDelay = v;
            return this;
        }

        public Builder fixedPrefix(String v) {
            fixedPrefix = v;
            return this;
        }

        public Builder hostPrefix(String v) {
            hostPrefix = v;
            return this;
        }

        public Builder floatingPrefix(String v) {
            floatingPrefix = v;
            return this;
        }
        /** The three address prefixes at once, from a second octet: 127.S.10., 127.S.11., 127.S.20. */
        public Builder addressBlock(int second) {
            fixedPrefix = "127." + second + ".10.";
            hostPrefix = "127." + second + ".11.";
            floatingPrefix = "127." + second + ".20.";
            return this;
        }

        public Builder images(List<String> v) {
            images = v;
            return this;
        }

        public Builder flavors(List<String> v) {
            flavors = v;
            return this;
        }

        public Builder securityGroups(List<String> v) {
            securityGroups = v;
            return this;
        }

        public Builder forwardedPorts(List<PortSpec> v) {
            forwardedPorts = v;
            return this;
        }

        public Builder maxServers(int v) {
            maxServers = v;
            return this;
        }

        public Builder maxFloatingIps(int v) {
            maxFloatingIps = v;
            return this;
        }

        public Builder gatewaysPerHost(int v) {
            gatewaysPerHost = v;
            return this;
        }

        public Builder turnUser(String v) {
            turnUser = v;
            return this;
        }

        public Builder turnPassword(Secret v) {
            turnPassword = v;
            return this;
        }

        public Builder turnRealm(String v) {
            turnRealm = v;
            return this;
        }

        public Builder processes(Processes v) {
            processes = v;
            return this;
        }

        public Builder workDir(Path v) {
            workDir = v;
            return this;
        }

        public Builder eventLogFile(Path v) {
            eventLogFile = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder scalerVm(ScalerVm v) {
            scalerVm = v;
            return this;
        }

        public SandboxConfig build() {
            return new SandboxConfig(
                    bindHost,
                    apiPort,
                    region,
                    users,
                    applicationCredentials,
                    tokenTtl,
                    bootDelay,
                    deleteDelay,
                    fixedPrefix,
                    hostPrefix,
                    floatingPrefix,
                    images,
                    flavors,
                    securityGroups,
                    forwardedPorts,
                    maxServers,
                    maxFloatingIps,
                    gatewaysPerHost,
                    turnUser,
                    turnPassword,
                    turnRealm,
                    processes,
                    workDir,
                    eventLogFile,
                    seed,
                    scalerVm);
        }
    }
}
