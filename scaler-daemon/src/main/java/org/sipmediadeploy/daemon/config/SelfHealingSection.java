package org.sipmediadeploy.daemon.config;

import com.typesafe.config.Config;
import java.time.Duration;
import org.sipmediadeploy.core.config.SelfHealingConfig;
import org.sipmediadeploy.core.config.ServerTemplate;

/** Reads {@code scaler.self-healing}; any problem leaves self-healing disabled (fails closed). */
final class SelfHealingSection {
    private SelfHealingSection() {}

    static ScalerConfig.SelfHealing read(KeyReader r, Config c, Duration electionMax) {
        String at = "self-healing.";
        boolean enabled = r.bool(c, at + "enabled");
        Duration replaceAfter = r.duration(c, at + "replace-after", Duration.ofSeconds(1));
        Duration giveUp = r.duration(c, at + "give-up-after", Duration.ofSeconds(10));
        String configPath = r.str(c, at + "config-path");
        if (!configPath.startsWith("/")) {
            r.problem(at + "config-path", "must be an absolute path on the new node's VM, got '" + configPath + "'");
        }
        Duration healthy = ConfigLoader.healthyWithin(electionMax);
        if (replaceAfter != null && replaceAfter.compareTo(healthy) <= 0) {
            r.problem(
                    at + "replace-after",
                    replaceAfter.toMillis() + " ms must be above the " + "healthy window of " + healthy.toMillis()
                            + " ms (5 x cluster.election-timeout-max, at least 2 s)");
        }
        if (!enabled) {
            return new ScalerConfig.SelfHealing(SelfHealingConfig.DISABLED, "", configPath);
        }
        int before = r.problemCount();
        ServerTemplate t = ServerTemplates.read(r, c, at, at + "user-data-template", "");
        String template = t.userData().isEmpty() ? ConfigLoader.defaultUserDataTemplate() : t.userData();
        if (!template.contains(ConfigLoader.WRITE_FILES)) {
            r.problem(
                    at + "user-data-template",
                    "the template must contain " + ConfigLoader.WRITE_FILES
                            + " (where the node's config and secret files go)");
        }
        if (!template.startsWith("#cloud-config")) {
            r.problem(at + "user-data-template", "must be a #cloud-config document");
        }
        if (r.problemCount() > before
                || replaceAfter == null
                || giveUp == null
                || replaceAfter.compareTo(healthy) <= 0) {
            return new ScalerConfig.SelfHealing(SelfHealingConfig.DISABLED, "", configPath);
        }
        return new ScalerConfig.SelfHealing(
                new SelfHealingConfig(
                        true,
                        replaceAfter,
                        healthy,
                        giveUp,
                        new ServerTemplate(
                                t.image(),
                                t.flavor(),
                                t.network(),
                                t.securityGroups(),
                                t.keyPair(),
                                t.availabilityZone(),
                                "")),
                template,
                configPath);
    }
}
