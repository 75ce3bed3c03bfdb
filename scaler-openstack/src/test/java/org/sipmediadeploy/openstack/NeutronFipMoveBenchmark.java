package org.sipmediadeploy.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.sipmediadeploy.core.model.FloatingIp;
import org.sipmediadeploy.core.model.FloatingIpSource;
import org.sipmediadeploy.core.model.Port;
import org.sipmediadeploy.core.port.Cloud;
import org.sipmediadeploy.core.port.ScalerEvents;
import org.sipmediadeploy.core.testing.Percentiles;

/**
 * The floating-IP move of a failover against the real Neutron, through the product's adapter (bench/openstack/
 * README.md): from the moment the decision is committed (its source port and revision known) to the moment Neutron,
 * asked by an independent observer with a token of its own, reports the new port. The adapter's token is renewed
 * by Keystone every few seconds during the run (its refresh margin is the token's lifetime minus
 * {@value #TOKEN_USE_SECONDS} s), so re-authentication lies in the path of some moves, as it does for a scaler
 * whose token is about to expire. Not a test: run by {@code bench/openstack/run-fip-move.sh}.
 */
public final class NeutronFipMoveBenchmark {
    static final int TOKEN_USE_SECONDS = 30;
    private static final String TARGET = "real OpenStack (Debian Zed: Keystone, Neutron ML2 no agents) on 127.0.0.1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Double> committedToObserved = new ArrayList<>();
    private final List<Double> moveCall = new ArrayList<>();
    private final List<Double> moveWithRefresh = new ArrayList<>();
    private final List<Double> moveWithoutRefresh = new ArrayList<>();
    private final List<Double> observeCalls = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/results");
        String commit = args.length > 1 ? args[1] : "unknown";
        int moves = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        if (moves < 1) {
            throw new IllegalArgumentException("moves must be at least 1: " + moves);
        }
        new NeutronFipMoveBenchmark().run(out, commit, moves);
    }

    private void run(Path out, String commit, int moves) throws Exception {
        OpenStackSettings base = RealOpenStackContractTest.adminSettings();
        // The observer: a separate adapter (own token, own connections), used only to read Neutron's answer.
        OpenStackCloud observer = OpenStackCloud.create(base, ScalerEvents.NONE);
        var first = observer.keystone().token();
        Duration lifetime = Duration.between(Instant.now(), first.getExpires().toInstant());
        Duration margin = lifetime.minusSeconds(TOKEN_USE_SECONDS);
        OpenStackCloud cloud = OpenStackCloud.create(base.withTokenRefreshMargin(margin), ScalerEvents.NONE);
        String tag = "fipmove-" + UUID.randomUUID().toString().substring(0, 8);
        String loadBefore = loadAverage();
        Instant started = Instant.now();
        Port a = null;
        Port b = null;
        FloatingIp fip = null;
        try {
            a = cloud.ensurePort("tenant-net", tag + "-a", List.of());
            b = cloud.ensurePort("tenant-net", tag + "-b", List.of());
            fip = cloud.allocateFloatingIp("ext-net");
            FloatingIp at = cloud.associate(fip.id(), a.id());
            String networkUrl = observer.keystone().endpoint("network");
            int warmup = 3;
            for (int i = -warmup; i < moves; i++) {
                String to = at.isAssociatedTo(a.id()) ? b.id() : a.id();
                // What the leader committed with the move decision: where the IP was, at which revision.
                FloatingIpSource committed = FloatingIpSource.of(at);
                int authsBefore = cloud.keystone().authentications();
                long t0 = System.nanoTime();
                FloatingIp moved = cloud.move(fip.id(), to, committed, Cloud.Guard.NONE);
                long t1 = System.nanoTime();
                int reads = 0;
                while (!to.equals(observedPort(observer, networkUrl, fip.id()))) {
                    if (++reads >= 50
                            || System.nanoTime() - t0 > Duration.ofMinutes(2).toNanos()) {
                        throw new IllegalStateException("Neutron does not report port " + to + " for " + fip.id());
                    }
                }
                long t2 = System.nanoTime();
                boolean refreshed = cloud.keystone().authentications() > authsBefore;
                System.out.printf(
                        Locale.ROOT,
                        "move %d: call %.1f ms, observed %.1f ms%s%n",
                        i + 1,
                        (t1 - t0) / 1e6,
                        (t2 - t0) / 1e6,
                        refreshed ? " (token renewed)" : "");
                if (i >= 0) {
                    committedToObserved.add((t2 - t0) / 1e6);
                    moveCall.add((t1 - t0) / 1e6);
                    observeCalls.add((t2 - t1) / 1e6);
                    (refreshed ? moveWithRefresh : moveWithoutRefresh).add((t1 - t0) / 1e6);
                }
                at = moved;
            }
        } finally {
            if (fip != null) {
                cloud.releaseFloatingIp(fip.id());
            }
            for (Port p : new Port[] {a, b}) {
                if (p != null) {
                    cloud.deletePort(p.id());
                }
            }
        }
        write(out, commit, started, loadBefore, margin, cloud.keystone().authentications());
    }

    /** Neutron's port_id of the floating IP, read with the observer's token (a raw GET, no adapter logic). */
    private static String observedPort(OpenStackCloud observer, String networkUrl, String fipId) throws IOException {
        okhttp3.Request req = new okhttp3.Request.Builder()
                .url(networkUrl + "/v2.0/floatingips/" + fipId)
                .header("X-Auth-Token", observer.keystone().token().getId())
                .get()
                .build();
        try (okhttp3.Response r = observer.keystone().http().newCall(req).execute()) {
            if (r.code() != 200 || r.body() == null) {
                throw new IllegalStateException("GET floating IP " + fipId + " -> " + r.code());
            }
            JsonNode port = JSON.readTree(r.body().string()).path("floatingip").path("port_id");
            return port.isTextual() ? port.asText() : null;
        }
    }

    private void write(Path out, String commit, Instant started, String loadBefore, Duration margin, int auths)
            throws IOException {
        Map<String, List<Double>> figures = new LinkedHashMap<>();
        figures.put("neutron_fip_move_committed_to_observed", committedToObserved);
        figures.put("neutron_fip_move_call", moveCall);
        figures.put("neutron_fip_move_call_with_token_refresh", moveWithRefresh);
        figures.put("neutron_fip_move_call_without_token_refresh", moveWithoutRefresh);
        figures.put("neutron_fip_observer_get", observeCalls);
        Map<String, String> labels = Map.of(
                "neutron_fip_move_committed_to_observed",
                "decision committed to Neutron reporting the new port (move + observer GET)",
                "neutron_fip_move_call",
                "OpenStackCloud.move (GET + conditional PUT, token renewals included)",
                "neutron_fip_move_call_with_token_refresh",
                "the same, moves that renewed the Keystone token first",
                "neutron_fip_move_call_without_token_refresh",
                "the same, moves on a valid token",
                "neutron_fip_observer_get",
                "observer's GET that saw the new port");
        List<Map<String, Object>> rows = new ArrayList<>();
        StringBuilder md = new StringBuilder("# Floating-IP move against the real Neutron\n\nCommit `" + commit + "`, "
                + started + ". " + TARGET + ", through scaler-openstack's `OpenStackCloud.move` (conditional on the "
                + "committed port and revision: If-Match revision_number). Command: `bench/openstack/run-fip-move.sh`."
                + "\n\n| figure | runs | p50 ms | p95 ms | p99 ms | max ms |\n|---|---|---|---|---|---|\n");
        for (Map.Entry<String, List<Double>> e : figures.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            double[] v = e.getValue().stream()
                    .mapToDouble(Double::doubleValue)
                    .sorted()
                    .toArray();
            rows.add(Percentiles.resultRow(e.getKey(), "ms", v, TARGET, commit, started.toString()));
            md.append(String.format(
                    Locale.ROOT,
                    "| %s: %s | %d | %.1f | %.1f | %.1f | %.1f |%n",
                    e.getKey(),
                    labels.get(e.getKey()),
                    v.length,
                    Percentiles.nearestRank(v, 50),
                    Percentiles.nearestRank(v, 95),
                    Percentiles.nearestRank(v, 99),
                    v[v.length - 1]));
        }
        md.append("\nToken refresh in the path: the adapter renews its Keystone token when it expires within "
                + margin.toSeconds() + " s, i.e. " + TOKEN_USE_SECONDS + " s after it was issued (Keystone issues "
                + "tokens for 24 h here); it authenticated " + auths + " times during the run (set-up included). "
                + "Revoking the token instead would not do: Neutron's keystonemiddleware caches a validated token and "
                + "accepts it after revocation.\n");
        md.append("\nLoad average (/proc/loadavg) at start: " + loadBefore + "; at end: " + loadAverage() + " on "
                + Runtime.getRuntime().availableProcessors() + " CPUs shared with other builds. Neutron runs under "
                + "uWSGI (2 processes x 2 threads, `Connection: close`): each call pays a TCP connect.\n");
        Files.createDirectories(out);
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(out.resolve("neutron-fip-move.json").toFile(), rows);
        Files.writeString(out.resolve("neutron-fip-move.md"), md.toString());
        System.out.println(md);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
