package org.sipmediadeploy.daemon.config;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.sipmediadeploy.core.config.DetectorSettings;
import org.sipmediadeploy.core.config.FailoverSettings;
import org.sipmediadeploy.core.config.PairConfig;
import org.sipmediadeploy.core.config.ProbeSpec;
import org.sipmediadeploy.core.config.ServerTemplate;
import org.sipmediadeploy.core.model.Secret;
import org.sipmediadeploy.core.model.Transport;

/** Reads one {@code scaler.pairs.<name>} block (over {@code pair-defaults}) into a {@link PairConfig}. */
final class PairSection {
    private PairSection() {}

    static PairConfig read(KeyReader r, String name, Config p) {
        String at = "pairs." + name + ".";
        int before = r.problemCount();
        String fip = r.required(p, "floating-ip", at);
        List<String> members = r.strings(p, "members", at);
        if (members != null && members.size() != 2) {
            r.problem(at + "members", "a pair needs exactly 2 members, got " + members.size());
        }
        if (members != null && members.size() == 2 && members.get(0).equals(members.get(1))) {
            r.problem(at + "members", "the two members must differ");
        }
        String kind = r.oneOf(p, "probe.kind", Set.of("sip-options", "stun", "turn-allocate"), at);
        String transport = r.oneOf(p, "probe.transport", Set.of("udp", "tcp", "tls"), at);
        List<Integer> codes = r.attempt(
                at + "probe.healthy-codes", () -> p.getIntList("probe.healthy-codes"), "a list of SIP status codes");
        if (codes != null) {
            for (int code : codes) {
                if (code < 100 || code > 699) {
                    r.problem(at + "probe.healthy-codes", code + " is not a SIP status code");
                }
            }
        }
        Secret password = null;
        String username = r.str(p, "probe.username", at);
        if ("turn-allocate".equals(kind)) {
            if (username.isEmpty()) {
                r.problem(at + "probe.username", "required for a turn-allocate probe");
            }
            password = r.secret(p, "probe.password-file", at);
        }
        Duration interval = r.duration(p, "probe.interval", Duration.ofMillis(10), at);
        Duration timeout = r.duration(p, "probe.timeout", Duration.ofMillis(10), at);
        if (interval != null && timeout != null && timeout.compareTo(interval) > 0) {
            r.problem(
                    at + "probe.timeout",
                    timeout.toMillis() + " ms is above the probe interval " + interval.toMillis() + " ms");
        }
        int threshold = r.intIn(p, "failover.failure-threshold", 1, 100, at);
        String detector = r.oneOf(p, "failover.detector", Set.of("adaptive", "count"), at);
        double suspicion = r.doubleAbove(p, "failover.suspicion-threshold", 0, 100, at);
        double immediate = r.doubleAbove(p, "failover.immediate-weight", 0, 100, at);
        double lossFloor = r.doubleAbove(p, "failover.loss-floor", 0, 0.99, at);
        Duration minInterval = r.duration(p, "failover.min-interval", Duration.ZERO, at);
        int maxPerHour = r.intIn(p, "failover.max-per-hour", 1, 60, at);
        Duration confirm = r.duration(p, "failover.confirm-timeout", Duration.ofMillis(1), at);
        boolean replace = r.bool(p, "failover.replace-failed", at);
        Duration replaceAfter = r.duration(p, "failover.replace-after", Duration.ZERO, at);
        ServerTemplate replacement = null;
        if (replace) {
            replacement = ServerTemplates.read(r, p, "replacement.", "replacement.user-data-file", at);
        }
        int port = r.port(p, "probe.port", at);
        if (r.problemCount() > before) {
            return null;
        }
        ProbeSpec probe = new ProbeSpec(
                ProbeSpec.Kind.valueOf(kind.toUpperCase(Locale.ROOT).replace('-', '_')),
                port,
                Transport.valueOf(transport.toUpperCase(Locale.ROOT)),
                Set.copyOf(codes),
                username,
                password,
                interval,
                timeout);
        return new PairConfig(
                name,
                fip,
                members,
                probe,
                new FailoverSettings(
                        threshold,
                        minInterval,
                        maxPerHour,
                        confirm,
                        replace,
                        replaceAfter,
                        "count".equals(detector)
                                ? DetectorSettings.COUNT
                                : new DetectorSettings(
                                        DetectorSettings.Kind.ADAPTIVE, suspicion, immediate, lossFloor)),
                replacement);
    }
}
