package org.sipmediadeploy.daemon.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;

import org.sipmediadeploy.core.config.FailoverSettings;
import org.sipmediadeploy.core.config.PairConfig;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.config.ProbeSpec;
import org.sipmediadeploy.core.config.SelfHealingConfig;
import org.sipmediadeploy.core.config.ServerTemplate;
import org.sipmediadeploy.core.config.SpareSchedule;
import org.sipmediadeploy.core.config.SpareWindow;
import org.sipmediadeploy.core.config.StatusEndpoint;
import org.sipmediadeploy.core.model.Secret;
import org.sipmediadeploy.core.model.Transport;

/**
 * Loads a HOCON file over the shipped {@code reference.conf} into a validated {@link ScalerConfig}. It fails closed:
 * every problem is collected (unknown keys, wrong types, bad ranges, min above max, unreadable secret files …) and
 * reported together, each naming its key path, in a {@link ConfigProblems}. Secret files are read here and their
 * content is only ever held in {@link Secret}.
 */
public final class ConfigLoader {
    private static final String ROOT = "scaler";

    private final List<String> problems = new ArrayList<>();
    private final Path baseDir;
    private final List<ScalerConfig.FileRef> files = new ArrayList<>();
    private Path sourceFile;
    private String sourceText = "";

    private ConfigLoader(Path baseDir) {
        this.baseDir = baseDir;
    }

    /** Loads and validates {@code file}. */
    public static ScalerConfig load(Path file) throws ConfigProblems {
        if (!Files.isReadable(file)) {
            throw new ConfigProblems(List.of(file + ": cannot read the configuration file"));
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigProblems(List.of(file + ": cannot read the configuration file: " + e.getMessage()));
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(text, file.toString(), dir, file.toAbsolutePath());
    }

    /** Parses HOCON text; relative file paths in it are taken from {@code baseDir}. */
    public static ScalerConfig parse(String hocon, String origin, Path baseDir) throws ConfigProblems {
        return parse(hocon, origin, baseDir, null);
    }

    private static ScalerConfig parse(String hocon, String origin, Path baseDir, Path file) throws ConfigProblems {
        Config user;
        try {
            user = ConfigFactory.parseString(hocon, ConfigParseOptions.defaults().setOriginDescription(origin));
        } catch (ConfigException e) {
            throw new ConfigProblems(List.of(e.getMessage()));
        }
        Config reference = ConfigFactory.parseResources(ConfigLoader.class, "/reference.conf");
        Config merged;
        try {
            merged = user.withFallback(reference).resolve(ConfigResolveOptions.defaults());
        } catch (ConfigException e) {
            throw new ConfigProblems(List.of(e.getMessage()));
        }
        ConfigLoader l = new ConfigLoader(baseDir);
        l.sourceFile = file;
        l.sourceText = hocon;
        l.unknownKeys(user, reference);
        ScalerConfig cfg = l.build(merged.getConfig(ROOT));
        if (!l.problems.isEmpty()) {
            throw new ConfigProblems(l.problems);
        }
        return cfg;
    }

    private void unknownKeys(Config user, Config reference) {
        if (!user.hasPath(ROOT)) {
            problems.add(ROOT + ": missing (the configuration must have a top-level 'scaler' block)");
            return;
        }
        for (String top : user.root().keySet()) {
            if (!top.equals(ROOT)) {
                problems.add(top + ": unknown key (everything goes under 'scaler')");
            }
        }
        Config u = user.getConfig(ROOT);
        Config r = reference.getConfig(ROOT);
        Set<String> known = paths(r);
        for (Map.Entry<String, ConfigValue> e : u.entrySet()) {
            String p = e.getKey();
            if (p.startsWith("pairs.") || p.startsWith("pools.")) {
                String[] parts = p.split("\\.", 3);
                if (parts.length < 3) {
                    problems.add(ROOT + "." + p + ": must be an object");
                    continue;
                }
                String rest = parts[2];
                Set<String> allowed = p.startsWith("pairs.") ? pairKeys(r) : paths(r.getConfig("pool-defaults"));
                if (!allowed.contains(rest) && !isUnder(rest, allowed)) {
                    problems.add(ROOT + "." + p + ": unknown key");
                }
            } else if (!known.contains(p) && !isUnder(p, known)) {
                problems.add(ROOT + "." + p + ": unknown key");
            }
        }
    }

    private static boolean isUnder(String p, Set<String> known) {
        // list-valued keys (peers, schedule) hold objects whose inner keys are checked by the field readers
        for (String k : known) {
            if (p.startsWith(k + ".")) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> pairKeys(Config r) {
        Set<String> s = paths(r.getConfig("pair-defaults"));
        s.add("floating-ip");
        s.add("members");
        return s;
    }

    private static Set<String> paths(Config c) {
        Set<String> s = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
            s.add(e.getKey());
        }
        return s;
    }

    private ScalerConfig build(Config c) {
        ScalerConfig.Node node = new ScalerConfig.Node(
                required(c, "node.id"),
                path(str(c, "node.storage-dir")),
                required(c, "node.probe-address"),
                duration(c, "node.tick", Duration.ofMillis(10)));
        if ("0.0.0.0".equals(node.probeAddress()) || "::".equals(node.probeAddress())) {
            problems.add(ROOT + ".node.probe-address: must be a concrete address the targets can reach, not a wildcard");
        }
        List<ScalerConfig.Peer> peers = peers(c);
        if (!node.id().isEmpty() && !peers.isEmpty() && peers.stream().noneMatch(p -> p.id().equals(node.id()))) {
            problems.add(ROOT + ".node.id: '" + node.id() + "' is not one of cluster.peers");
        }
        Duration eMin = duration(c, "cluster.election-timeout-min", Duration.ofMillis(50));
        Duration eMax = duration(c, "cluster.election-timeout-max", Duration.ofMillis(50));
        if (eMin != null && eMax != null && eMax.compareTo(eMin) <= 0) {
            problems.add(ROOT + ".cluster.election-timeout-max: must be above election-timeout-min (" + eMin + ")");
        }
        boolean tlsOn = bool(c, "cluster.tls.enabled");
        ScalerConfig.Tls tls = new ScalerConfig.Tls(tlsOn,
                tlsOn ? readableFile(c, "cluster.tls.cert-file") : null,
                tlsOn ? readableFile(c, "cluster.tls.key-file") : null,
                tlsOn ? readableFile(c, "cluster.tls.trust-file") : null);
        ScalerConfig.Cluster cluster = new ScalerConfig.Cluster(str(c, "cluster.name"), peers, eMin, eMax, tls,
                bool(c, "cluster.join"));

        String bind = str(c, "admin.bind");
        ScalerConfig.Admin admin = new ScalerConfig.Admin(bind, port(c, "admin.port"), secret(c, "admin.token-file"),
                bool(c, "admin.allow-non-loopback"), bool(c, "admin.metrics-open"));

        ScalerConfig.OpenStack os = openstack(c);
        Map<String, PairConfig> pairs = new LinkedHashMap<>();
        ConfigObject pairObj = object(c, "pairs");
        if (pairObj != null) {
            for (String name : new TreeSet<>(pairObj.keySet())) {
                PairConfig p = pair(name, c.getConfig("pairs").getConfig(quote(name))
                        .withFallback(c.getConfig("pair-defaults")));
                if (p != null) {
                    pairs.put(name, p);
                }
            }
        }
        Map<String, PoolConfig> pools = new LinkedHashMap<>();
        ConfigObject poolObj = object(c, "pools");
        if (poolObj != null) {
            for (String name : new TreeSet<>(poolObj.keySet())) {
                PoolConfig p = pool(name, c.getConfig("pools").getConfig(quote(name))
                        .withFallback(c.getConfig("pool-defaults")));
                if (p != null) {
                    pools.put(name, p);
                }
            }
        }
        String format = oneOf(c, "logging.format", Set.of("json", "text"));
        ScalerConfig.Logging logging = new ScalerConfig.Logging(format, str(c, "logging.file"),
                str(c, "logging.logstash"));
        ScalerConfig.SelfHealing healing = selfHealing(c, eMax);
        return new ScalerConfig(node, cluster, admin, os, pairs, pools, logging, healing,
                new ScalerConfig.Sources(sourceFile, sourceText, baseDir, files));
    }

    /** The healthy window of self-healing: a few election timeouts, at least 2 s. */
    static Duration healthyWithin(Duration electionMax) {
        Duration d = electionMax == null ? Duration.ofSeconds(3) : electionMax.multipliedBy(5);
        return d.compareTo(Duration.ofSeconds(2)) < 0 ? Duration.ofSeconds(2) : d;
    }

    private ScalerConfig.SelfHealing selfHealing(Config c, Duration electionMax) {
        String at = "self-healing.";
        boolean enabled = bool(c, at + "enabled");
        Duration replaceAfter = duration(c, at + "replace-after", Duration.ofSeconds(1));
        Duration giveUp = duration(c, at + "give-up-after", Duration.ofSeconds(10));
        String configPath = str(c, at + "config-path");
        if (!configPath.startsWith("/")) {
            problems.add(ROOT + "." + at + "config-path: must be an absolute path on the new node's VM, got '"
                    + configPath + "'");
        }
        Duration healthy = healthyWithin(electionMax);
        if (replaceAfter != null && replaceAfter.compareTo(healthy) <= 0) {
            problems.add(ROOT + "." + at + "replace-after: " + replaceAfter.toMillis() + " ms must be above the "
                    + "healthy window of " + healthy.toMillis() + " ms (5 x cluster.election-timeout-max, at least 2 s)");
        }
        if (!enabled) {
            return new ScalerConfig.SelfHealing(SelfHealingConfig.DISABLED, "", configPath);
        }
        int before = problems.size();
        ServerTemplate t = template(c, at, at + "user-data-template", "");
        String template = t.userData().isEmpty() ? defaultUserDataTemplate() : t.userData();
        if (!template.contains(WRITE_FILES)) {
            problems.add(ROOT + "." + at + "user-data-template: the template must contain " + WRITE_FILES
                    + " (where the node's config and secret files go)");
        }
        if (!template.startsWith("#cloud-config")) {
            problems.add(ROOT + "." + at + "user-data-template: must be a #cloud-config document");
        }
        if (problems.size() > before || replaceAfter == null || giveUp == null
                || replaceAfter.compareTo(healthy) <= 0) {
            return new ScalerConfig.SelfHealing(SelfHealingConfig.DISABLED, "", configPath);
        }
        return new ScalerConfig.SelfHealing(new SelfHealingConfig(true, replaceAfter, healthy, giveUp,
                new ServerTemplate(t.image(), t.flavor(), t.network(), t.securityGroups(), t.keyPair(),
                        t.availabilityZone(), "")), template, configPath);
    }

    /** The placeholder of the user-data template where the write_files entries go. */
    public static final String WRITE_FILES = "{{write_files}}";

    static String defaultUserDataTemplate() {
        try (var in = ConfigLoader.class.getResourceAsStream("/scaler-user-data.yaml.tpl")) {
            if (in == null) {
                throw new IllegalStateException("scaler-user-data.yaml.tpl missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the built-in user-data template", e);
        }
    }

    private void remember(String key, String asWritten, Path resolved) {
        if (files.stream().noneMatch(f -> f.resolved().equals(resolved))) {
            files.add(new ScalerConfig.FileRef(key, asWritten, resolved));
        }
    }

    private List<ScalerConfig.Peer> peers(Config c) {
        List<ScalerConfig.Peer> out = new ArrayList<>();
        List<? extends Config> list = attempt("cluster.peers", () -> c.getConfigList("cluster.peers"),
                "a list of { id, address } objects");
        if (list == null) {
            return out;
        }
        if (list.isEmpty()) {
            problems.add(ROOT + ".cluster.peers: required (the cluster's nodes, this one included)");
        }
        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < list.size(); i++) {
            Config p = list.get(i);
            String at = "cluster.peers[" + i + "]";
            for (String k : p.root().keySet()) {
                if (!k.equals("id") && !k.equals("address")) {
                    problems.add(ROOT + "." + at + "." + k + ": unknown key");
                }
            }
            String id = p.hasPath("id") ? p.getString("id") : "";
            String address = p.hasPath("address") ? p.getString("address") : "";
            if (id.isBlank()) {
                problems.add(ROOT + "." + at + ".id: required");
            } else if (!ids.add(id)) {
                problems.add(ROOT + "." + at + ".id: duplicate peer id '" + id + "'");
            }
            int colon = address.lastIndexOf(':');
            if (colon <= 0) {
                problems.add(ROOT + "." + at + ".address: expected host:port, got '" + address + "'");
                continue;
            }
            int port;
            try {
                port = Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                problems.add(ROOT + "." + at + ".address: port is not a number in '" + address + "'");
                continue;
            }
            if (port < 1 || port > 65535) {
                problems.add(ROOT + "." + at + ".address: port must be in 1..65535, got " + port);
                continue;
            }
            out.add(new ScalerConfig.Peer(id, address.substring(0, colon), port));
        }
        if (out.size() % 2 == 0 && !out.isEmpty()) {
            problems.add(ROOT + ".cluster.peers: " + out.size()
                    + " peers cannot keep a majority through a single failure better than " + (out.size() - 1)
                    + "; use an odd number (3 or 5)");
        }
        return out;
    }

    private ScalerConfig.OpenStack openstack(Config c) {
        String authUrl = required(c, "openstack.auth-url");
        if (!authUrl.isEmpty() && !authUrl.startsWith("http://") && !authUrl.startsWith("https://")) {
            problems.add(ROOT + ".openstack.auth-url: must be an http(s) URL, got '" + authUrl + "'");
        }
        String iface = oneOf(c, "openstack.interface", Set.of("public", "internal", "admin"));
        String caFile = str(c, "openstack.ca-file");
        Path ca = caFile.isEmpty() ? null : readableFile(c, "openstack.ca-file");
        String type = oneOf(c, "openstack.auth.type", Set.of("application-credential", "password"));
        ScalerConfig.Auth auth = null;
        if ("password".equals(type)) {
            auth = new ScalerConfig.Auth.Password(required(c, "openstack.auth.username"),
                    str(c, "openstack.auth.user-domain"), required(c, "openstack.auth.project"),
                    str(c, "openstack.auth.project-domain"), secret(c, "openstack.auth.password-file"));
        } else if ("application-credential".equals(type)) {
            auth = new ScalerConfig.Auth.ApplicationCredential(required(c, "openstack.auth.id"),
                    secret(c, "openstack.auth.secret-file"));
        }
        String tag = required(c, "openstack.tag");
        return new ScalerConfig.OpenStack(authUrl, str(c, "openstack.region"), iface, ca, tag,
                duration(c, "openstack.connect-timeout", Duration.ofMillis(1)),
                duration(c, "openstack.read-timeout", Duration.ofMillis(1)), auth);
    }

    private PairConfig pair(String name, Config p) {
        String at = "pairs." + name + ".";
        int before = problems.size();
        String fip = required(p, "floating-ip", at);
        List<String> members = strings(p, "members", at);
        if (members != null && members.size() != 2) {
            problems.add(ROOT + "." + at + "members: a pair needs exactly 2 members, got " + members.size());
        }
        if (members != null && members.size() == 2 && members.get(0).equals(members.get(1))) {
            problems.add(ROOT + "." + at + "members: the two members must differ");
        }
        String kind = oneOf(p, "probe.kind", Set.of("sip-options", "stun", "turn-allocate"), at);
        String transport = oneOf(p, "probe.transport", Set.of("udp", "tcp", "tls"), at);
        List<Integer> codes = attempt(at + "probe.healthy-codes", () -> p.getIntList("probe.healthy-codes"),
                "a list of SIP status codes");
        if (codes != null) {
            for (int code : codes) {
                if (code < 100 || code > 699) {
                    problems.add(ROOT + "." + at + "probe.healthy-codes: " + code + " is not a SIP status code");
                }
            }
        }
        Secret password = null;
        String username = str(p, "probe.username", at);
        if ("turn-allocate".equals(kind)) {
            if (username.isEmpty()) {
                problems.add(ROOT + "." + at + "probe.username: required for a turn-allocate probe");
            }
            password = secret(p, "probe.password-file", at);
        }
        Duration interval = duration(p, "probe.interval", Duration.ofMillis(10), at);
        Duration timeout = duration(p, "probe.timeout", Duration.ofMillis(10), at);
        if (interval != null && timeout != null && timeout.compareTo(interval) > 0) {
            problems.add(ROOT + "." + at + "probe.timeout: " + timeout.toMillis() + " ms is above the probe interval "
                    + interval.toMillis() + " ms");
        }
        int threshold = intIn(p, "failover.failure-threshold", 1, 100, at);
        Duration minInterval = duration(p, "failover.min-interval", Duration.ZERO, at);
        int maxPerHour = intIn(p, "failover.max-per-hour", 1, 60, at);
        Duration confirm = duration(p, "failover.confirm-timeout", Duration.ofMillis(1), at);
        boolean replace = bool(p, "failover.replace-failed", at);
        Duration replaceAfter = duration(p, "failover.replace-after", Duration.ZERO, at);
        ServerTemplate replacement = null;
        if (replace) {
            replacement = template(p, "replacement.", "replacement.user-data-file", at);
        }
        int port = port(p, "probe.port", at);
        if (problems.size() > before) {
            return null;
        }
        ProbeSpec probe = new ProbeSpec(ProbeSpec.Kind.valueOf(kind.toUpperCase(Locale.ROOT).replace('-', '_')), port,
                Transport.valueOf(transport.toUpperCase(Locale.ROOT)), Set.copyOf(codes), username, password, interval,
                timeout);
        return new PairConfig(name, fip, members, probe,
                new FailoverSettings(threshold, minInterval, maxPerHour, confirm, replace, replaceAfter), replacement);
    }

    private PoolConfig pool(String name, Config p) {
        String at = "pools." + name + ".";
        int before = problems.size();
        ServerTemplate server = template(p, "", "user-data-template", at);
        int capacity = intIn(p, "capacity-per-host", 1, 1000, at);
        int min = intIn(p, "min-hosts", 0, 10000, at);
        int max = intIn(p, "max-hosts", 0, 10000, at);
        if (min > max) {
            problems.add(ROOT + "." + at + "min-hosts: " + min + " is above max-hosts " + max);
        }
        SpareSchedule spare = schedule(p, at);
        StatusEndpoint status = new StatusEndpoint(port(p, "status.port", at), str(p, "status.path", at),
                required(p, "status.idle-key", at), required(p, "status.terminate-key", at),
                duration(p, "status.interval", Duration.ofMillis(100), at),
                duration(p, "status.timeout", Duration.ofMillis(10), at));
        if (!status.path().startsWith("/")) {
            problems.add(ROOT + "." + at + "status.path: must start with '/', got '" + status.path() + "'");
        }
        Duration eval = duration(p, "evaluation-period", Duration.ofMillis(100), at);
        Duration boot = duration(p, "boot-timeout", Duration.ofSeconds(1), at);
        Duration scaleIn = duration(p, "scale-in-after", Duration.ZERO, at);
        Duration protect = duration(p, "protect-new", Duration.ZERO, at);
        Duration grace = duration(p, "unknown-grace", Duration.ZERO, at);
        Duration bBase = duration(p, "backoff-base", Duration.ofMillis(1), at);
        Duration bMax = duration(p, "backoff-max", Duration.ofMillis(1), at);
        if (bBase != null && bMax != null && bMax.compareTo(bBase) < 0) {
            problems.add(ROOT + "." + at + "backoff-max: must be at least backoff-base (" + bBase + ")");
        }
        oneOf(p, "mode", Set.of("auto", "paused", "dry-run"), at);
        if (problems.size() > before) {
            return null;
        }
        return new PoolConfig(name, server, capacity, min, max, spare, status, eval, boot, scaleIn, protect, grace,
                bBase, bMax);
    }


    private ServerTemplate template(Config p, String prefix, String userDataKey, String at) {
        String image = required(p, prefix + "image", at);
        String flavor = required(p, prefix + "flavor", at);
        String network = required(p, prefix + "network", at);
        List<String> groups = strings(p, prefix + "security-groups", at);
        String keyPair = str(p, prefix + "key-pair", at);
        String az = str(p, prefix + "availability-zone", at);
        String userDataFile = str(p, userDataKey, at);
        String userData = "";
        if (!userDataFile.isEmpty()) {
            Path f = resolve(userDataFile);
            remember(at + userDataKey, userDataFile, f);
            try {
                userData = Files.readString(f, StandardCharsets.UTF_8);
            } catch (IOException e) {
                problems.add(ROOT + "." + at + userDataKey + ": cannot read '" + f + "'");
            }
        }
        return new ServerTemplate(image, flavor, network, groups == null ? List.of() : groups,
                keyPair.isEmpty() ? null : keyPair, az.isEmpty() ? null : az, userData);
    }

    private SpareSchedule schedule(Config p, String at) {
        int dflt = intIn(p, "spare.default", 0, 100000, at);
        String zoneName = str(p, "spare.time-zone", at);
        ZoneId zone = ZoneId.of("UTC");
        try {
            zone = ZoneId.of(zoneName);
        } catch (RuntimeException e) {
            problems.add(ROOT + "." + at + "spare.time-zone: unknown time zone '" + zoneName + "'");
        }
        List<SpareWindow> windows = new ArrayList<>();
        List<? extends Config> list = attempt(at + "spare.schedule", () -> p.getConfigList("spare.schedule"),
                "a list of { days, from, to, spare } objects");
        if (list != null) {
            for (int i = 0; i < list.size(); i++) {
                Config w = list.get(i);
                String wat = at + "spare.schedule[" + i + "].";
                for (String k : w.root().keySet()) {
                    if (!Set.of("days", "from", "to", "spare").contains(k)) {
                        problems.add(ROOT + "." + wat + k + ": unknown key");
                    }
                }
                Set<DayOfWeek> days = days(w.hasPath("days") ? w.getString("days") : "all", wat + "days");
                LocalTime from = time(w, "from", wat);
                LocalTime to = time(w, "to", wat);
                int spare = intIn(w, "spare", 0, 100000, wat);
                if (from != null && to != null && !from.isBefore(to)) {
                    problems.add(ROOT + "." + wat + "to: " + to + " must be after from " + from);
                } else if (days != null && from != null && to != null && spare >= 0) {
                    windows.add(new SpareWindow(days, from, to, spare));
                }
            }
        }
        return new SpareSchedule(Math.max(dflt, 0), windows, zone);
    }

    private LocalTime time(Config w, String key, String at) {
        if (!w.hasPath(key)) {
            problems.add(ROOT + "." + at + key + ": required (HH:MM)");
            return null;
        }
        String s = w.getString(key);
        try {
            return s.equals("24:00") ? LocalTime.MAX : LocalTime.parse(s);
        } catch (DateTimeParseException e) {
            problems.add(ROOT + "." + at + key + ": expected HH:MM, got '" + s + "'");
            return null;
        }
    }

    private Set<DayOfWeek> days(String spec, String at) {
        List<DayOfWeek> order = List.of(DayOfWeek.values());
        Set<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("all") || s.equals("*")) {
            return EnumSet.allOf(DayOfWeek.class);
        }
        for (String part : s.split(",")) {
            String[] range = part.trim().split("-");
            DayOfWeek a = day(range[0], at);
            DayOfWeek b = range.length > 1 ? day(range[1], at) : a;
            if (a == null || b == null) {
                return null;
            }
            for (int i = order.indexOf(a); ; i = (i + 1) % 7) {
                out.add(order.get(i));
                if (order.get(i) == b) {
                    break;
                }
            }
        }
        return out;
    }

    private DayOfWeek day(String s, String at) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().toLowerCase(Locale.ROOT).startsWith(s.trim()) && s.trim().length() >= 3) {
                return d;
            }
        }
        problems.add(ROOT + "." + at + ": unknown day '" + s.trim() + "' (use mon..sun, ranges like mon-fri)");
        return null;
    }

    // ---- field readers: each records a problem naming the full key path and returns a harmless value ----

    private String str(Config c, String key) {
        return str(c, key, "");
    }

    private String str(Config c, String key, String at) {
        String v = attempt(at + key, () -> c.getString(key), "a string");
        return v == null ? "" : v;
    }

    private String required(Config c, String key) {
        return required(c, key, "");
    }

    private String required(Config c, String key, String at) {
        String v = str(c, key, at);
        if (v.isBlank() && c.hasPathOrNull(key)) {
            problems.add(ROOT + "." + at + key + ": required");
        }
        return v;
    }

    private List<String> strings(Config c, String key, String at) {
        return attempt(at + key, () -> c.getStringList(key), "a list of strings");
    }

    private boolean bool(Config c, String key) {
        return bool(c, key, "");
    }

    private boolean bool(Config c, String key, String at) {
        Boolean v = attempt(at + key, () -> c.getBoolean(key), "true or false");
        return v != null && v;
    }

    private int intIn(Config c, String key, int min, int max, String at) {
        Integer v = attempt(at + key, () -> c.getInt(key), "a whole number");
        if (v == null) {
            return -1;
        }
        if (v < min || v > max) {
            problems.add(ROOT + "." + at + key + ": must be in " + min + ".." + max + ", got " + v);
        }
        return v;
    }

    private int port(Config c, String key) {
        return port(c, key, "");
    }

    private int port(Config c, String key, String at) {
        return intIn(c, key, 1, 65535, at);
    }

    private Duration duration(Config c, String key, Duration min) {
        return duration(c, key, min, "");
    }

    private Duration duration(Config c, String key, Duration min, String at) {
        Duration v = attempt(at + key, () -> c.getDuration(key), "a duration such as 500ms, 30s or 10m");
        if (v == null) {
            return null;
        }
        if (v.isNegative()) {
            problems.add(ROOT + "." + at + key + ": must not be negative, got " + v);
            return null;
        }
        if (v.compareTo(min) < 0) {
            problems.add(ROOT + "." + at + key + ": must be at least " + min.toMillis() + " ms, got " + v.toMillis()
                    + " ms");
            return null;
        }
        return v;
    }

    private String oneOf(Config c, String key, Set<String> allowed) {
        return oneOf(c, key, allowed, "");
    }

    private String oneOf(Config c, String key, Set<String> allowed, String at) {
        String v = str(c, key, at);
        if (!allowed.contains(v)) {
            problems.add(ROOT + "." + at + key + ": must be one of " + new TreeSet<>(allowed) + ", got '" + v + "'");
            return null;
        }
        return v;
    }

    private ConfigObject object(Config c, String key) {
        return attempt(key, () -> c.getObject(key), "an object");
    }

    private Path path(String s) {
        return s.isEmpty() ? null : resolve(s);
    }

    private Path resolve(String s) {
        Path p = Path.of(s);
        return p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p);
    }

    private Path readableFile(Config c, String key) {
        String s = str(c, key);
        if (s.isEmpty()) {
            problems.add(ROOT + "." + key + ": required");
            return null;
        }
        Path p = resolve(s);
        remember(key, s, p);
        if (!Files.isReadable(p)) {
            problems.add(ROOT + "." + key + ": cannot read '" + p + "'");
        }
        return p;
    }

    /** Reads a secret from the file named at {@code key}; the secret itself never enters a message. */
    private Secret secret(Config c, String key) {
        return secret(c, key, "");
    }

    private Secret secret(Config c, String key, String at) {
        String s = str(c, key, at);
        if (s.isEmpty()) {
            problems.add(ROOT + "." + at + key + ": required (a file holding the secret)");
            return Secret.of("");
        }
        Path p = resolve(s);
        remember(at + key, s, p);
        try {
            String v = Files.readString(p, StandardCharsets.UTF_8).strip();
            if (v.isEmpty()) {
                problems.add(ROOT + "." + at + key + ": secret file '" + p + "' is empty");
            }
            return Secret.of(v);
        } catch (IOException | SecurityException e) {
            problems.add(ROOT + "." + at + key + ": cannot read secret file '" + p + "'");
            return Secret.of("");
        }
    }

    private <T> T attempt(String key, Supplier<T> read, String expected) {
        try {
            return read.get();
        } catch (ConfigException.Missing e) {
            problems.add(ROOT + "." + key + ": required");
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            problems.add(ROOT + "." + key + ": expected " + expected + where(e));
        } catch (ConfigException e) {
            problems.add(ROOT + "." + key + ": " + e.getMessage());
        }
        return null;
    }

    private static String where(ConfigException e) {
        return e.origin() == null || e.origin().lineNumber() < 0 ? ""
                : " (" + e.origin().description() + ")";
    }

    private static String quote(String name) {
        return com.typesafe.config.ConfigUtil.quoteString(name);
    }
}
