package org.sipmediadeploy.daemon.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.sipmediadeploy.core.config.CallRouterConfig;
import org.sipmediadeploy.core.config.PairConfig;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.model.Secret;

/**
 * Loads a HOCON file over the shipped {@code reference.conf} into a validated {@link ScalerConfig}. It fails closed:
 * every problem is collected (unknown keys, wrong types, bad ranges, min above max, unreadable secret files …) and
 * reported together, each naming its key path, in a {@link ConfigProblems}. Secret files are read here and their
 * content is only ever held in {@link Secret}. {@link KeyReader} reads the values and collects the problems,
 * {@link UnknownKeys} checks the key names, and one class per section ({@link ClusterSection},
 * {@link OpenStackSection}, {@link PairSection}, {@link PoolSection}, {@link SelfHealingSection}) builds its records.
 */
public final class ConfigLoader {
    private static final String ROOT = KeyReader.ROOT;

    /** The placeholder of the user-data template where the write_files entries go. */
    public static final String WRITE_FILES = "{{write_files}}";

    private ConfigLoader() {}

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

    /**
     * Reads only the pools of {@code file} (with the pool defaults): what a simulation needs, so a copy of the
     * configuration without its secret files, or with other sections unfinished, still serves.
     */
    public static Map<String, PoolConfig> loadPools(Path file) throws ConfigProblems {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigProblems(List.of(file + ": cannot read the configuration file: " + e.getMessage()));
        }
        Config merged;
        try {
            merged = ConfigFactory.parseString(
                            text, ConfigParseOptions.defaults().setOriginDescription(file.toString()))
                    .withFallback(ConfigFactory.parseResources(ConfigLoader.class, "/reference.conf"))
                    .resolve(ConfigResolveOptions.defaults());
        } catch (ConfigException e) {
            throw new ConfigProblems(List.of(e.getMessage()));
        }
        KeyReader r = new KeyReader(file.toAbsolutePath().getParent());
        Map<String, PoolConfig> pools = pools(r, merged.getConfig(ROOT));
        if (r.problemCount() > 0) {
            throw new ConfigProblems(r.problems());
        }
        return pools;
    }

    private static Map<String, PoolConfig> pools(KeyReader r, Config c) {
        Map<String, PoolConfig> pools = new LinkedHashMap<>();
        ConfigObject poolObj = r.object(c, "pools");
        if (poolObj != null) {
            for (String name : new TreeSet<>(poolObj.keySet())) {
                PoolConfig p = PoolSection.read(
                        r,
                        name,
                        c.getConfig("pools").getConfig(quote(name)).withFallback(c.getConfig("pool-defaults")));
                if (p != null) {
                    pools.put(name, p);
                }
            }
        }
        return pools;
    }

    /** Parses HOCON text; relative file paths in it are taken from {@code baseDir}. */
    public static ScalerConfig parse(String hocon, String origin, Path baseDir) throws ConfigProblems {
        return parse(hocon, origin, baseDir, null);
    }

    private static ScalerConfig parse(String hocon, String origin, Path baseDir, Path file) throws ConfigProblems {
        Config user;
        try {
            user = ConfigFactory.parseString(
                    hocon, ConfigParseOptions.defaults().setOriginDescription(origin));
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
        KeyReader r = new KeyReader(baseDir);
        UnknownKeys.check(r, user, reference);
        ScalerConfig cfg = build(r, merged.getConfig(ROOT), file, hocon);
        if (r.problemCount() > 0) {
            throw new ConfigProblems(r.problems());
        }
        return cfg;
    }

    private static ScalerConfig build(KeyReader r, Config c, Path file, String hocon) {
        ScalerConfig.Node node = ClusterSection.node(r, c);
        ScalerConfig.Cluster cluster = ClusterSection.cluster(r, c, node);
        ScalerConfig.Admin admin = new ScalerConfig.Admin(
                r.str(c, "admin.bind"),
                r.port(c, "admin.port"),
                r.secret(c, "admin.token-file"),
                r.bool(c, "admin.allow-non-loopback"),
                r.bool(c, "admin.metrics-open"));
        ScalerConfig.OpenStack os = OpenStackSection.read(r, c);
        Map<String, PairConfig> pairs = new LinkedHashMap<>();
        ConfigObject pairObj = r.object(c, "pairs");
        if (pairObj != null) {
            for (String name : new TreeSet<>(pairObj.keySet())) {
                PairConfig p = PairSection.read(
                        r,
                        name,
                        c.getConfig("pairs").getConfig(quote(name)).withFallback(c.getConfig("pair-defaults")));
                if (p != null) {
                    pairs.put(name, p);
                }
            }
        }
        Map<String, PoolConfig> pools = pools(r, c);
        Map<String, CallRouterConfig> routers = new LinkedHashMap<>();
        for (String name : pools.keySet()) {
            CallRouterConfig router = CallRouterSection.read(
                    r,
                    name,
                    c.getConfig("pools").getConfig(quote(name)).withFallback(c.getConfig("pool-defaults")),
                    pairs.keySet());
            if (router != null) {
                routers.put(name, router);
            }
        }
        String format = r.oneOf(c, "logging.format", Set.of("json", "text"));
        ScalerConfig.Logging logging =
                new ScalerConfig.Logging(format, r.str(c, "logging.file"), r.str(c, "logging.logstash"));
        ScalerConfig.SelfHealing healing = SelfHealingSection.read(r, c, cluster.electionTimeoutMax());
        // the files list is complete only now that every section has been read
        return new ScalerConfig(
                node,
                cluster,
                admin,
                os,
                pairs,
                pools,
                logging,
                healing,
                new ScalerConfig.Sources(file, hocon, r.baseDir(), r.files()),
                routers);
    }

    /** The healthy window of self-healing: a few election timeouts, at least 2 s. */
    static Duration healthyWithin(Duration electionMax) {
        Duration d = electionMax == null ? Duration.ofSeconds(3) : electionMax.multipliedBy(5);
        return d.compareTo(Duration.ofSeconds(2)) < 0 ? Duration.ofSeconds(2) : d;
    }

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

    private static String quote(String name) {
        return ConfigUtil.quoteString(name);
    }
}
