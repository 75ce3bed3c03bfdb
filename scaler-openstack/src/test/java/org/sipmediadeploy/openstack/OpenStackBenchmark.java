package org.sipmediadeploy.openstack;

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
import java.util.function.Supplier;
import org.sipmediadeploy.core.model.FloatingIp;
import org.sipmediadeploy.core.model.Port;
import org.sipmediadeploy.core.model.Server;
import org.sipmediadeploy.core.model.ServerMetadata;
import org.sipmediadeploy.core.model.ServerSpec;
import org.sipmediadeploy.core.model.ServerStatus;
import org.sipmediadeploy.core.port.ScalerEvents;
import org.sipmediadeploy.core.testing.Percentiles;

/**
 * Latency of each adapter operation against the real OpenStack (bench/openstack/README.md). Not a test: run by
 * {@code bench/openstack/run.sh}; writes {@code <out>/openstack.json} and {@code openstack.md}. Everything it
 * creates carries a tag of its own and is deleted at the end.
 */
public final class OpenStackBenchmark {
    private static final String TARGET =
            "real OpenStack (Debian Zed: Keystone, Nova fake driver, Neutron ML2 " + "no agents) on 127.0.0.1";

    private final Map<String, List<Double>> samples = new LinkedHashMap<>();
    private String loadBefore;

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/results");
        String commit = args.length > 1 ? args[1] : "unknown";
        boolean quick = args.length > 2 && args[2].equals("quick");
        new OpenStackBenchmark().run(out, commit, quick ? 5 : 30, quick ? 3 : 10);
    }

    private <T> T time(String name, Supplier<T> op) {
        long t0 = System.nanoTime();
        T r = op.get();
        samples.computeIfAbsent(name, k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e6);
        return r;
    }

    private void run(Path out, String commit, int runs, int creates) throws Exception {
        OpenStackSettings settings = RealOpenStackContractTest.adminSettings();
        OpenStackCloud cloud = OpenStackCloud.create(settings, ScalerEvents.NONE);
        String tag = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> servers = new ArrayList<>();
        FloatingIp fip = null;
        Instant started = Instant.now();
        loadBefore = loadAverage();
        try {
            for (int i = 0; i < runs; i++) {
                OpenStackCloud fresh = OpenStackCloud.create(settings, ScalerEvents.NONE);
                time("authenticate (password, project scope)", () -> {
                    fresh.authenticate();
                    return null;
                });
            }
            // Servers: create, the retried create that finds it, boot to ACTIVE.
            for (int i = 0; i < creates; i++) {
                ServerSpec spec = new ServerSpec(
                        tag + "-" + i,
                        "fake-image",
                        "m1.tiny",
                        "tenant-net",
                        List.of(),
                        null,
                        null,
                        "#cloud-config\n",
                        Map.of(ServerMetadata.TAG, tag, ServerMetadata.DECISION, "d-" + UUID.randomUUID()));
                long t0 = System.nanoTime();
                Server s = time("createServer (lookup + POST)", () -> cloud.createServer(spec));
                servers.add(s.id());
                time("createServer retried (finds existing)", () -> cloud.createServer(spec));
                while (cloud.server(s.id()).map(Server::status).orElse(ServerStatus.UNKNOWN) != ServerStatus.ACTIVE) {
                    if (System.nanoTime() - t0 > Duration.ofMinutes(2).toNanos()) {
                        throw new IllegalStateException("server " + s.id() + " not ACTIVE in 120 s");
                    }
                    Thread.sleep(200);
                }
                samples.computeIfAbsent("create to ACTIVE observed (poll 200 ms)", k -> new ArrayList<>())
                        .add((System.nanoTime() - t0) / 1e6);
            }
            String a = servers.get(0);
            String b = servers.get(1);
            fip = cloud.allocateFloatingIp("ext-net");
            String address = fip.address();
            Port pa = cloud.portOf(a, "tenant-net").orElseThrow();
            Port pb = cloud.portOf(b, "tenant-net").orElseThrow();
            for (int i = 0; i < runs; i++) {
                time("listServers (tag, name prefix)", () -> cloud.listServers(tag, tag));
                time("findByDecision (full listing)", () -> cloud.findByDecision(tag, "d-none"));
                time("server (by id)", () -> cloud.server(a));
                time(
                        "baseline: raw GET /servers/{id} (OkHttp, same token)",
                        () -> rawGet(cloud, cloud.keystone().endpoint("compute") + "/servers/" + a));
                time("portOf (server, network)", () -> cloud.portOf(a, "tenant-net"));
                time("floatingIpByAddress", () -> cloud.floatingIpByAddress(address));
                String fipId = fip.id();
                String to = i % 2 == 0 ? pa.id() : pb.id();
                time("associate (move, If-Match)", () -> cloud.associate(fipId, to));
                time("associate (already there)", () -> cloud.associate(fipId, to));
                time("failover: lookup FIP + port + associate", () -> {
                    FloatingIp f = cloud.floatingIpByAddress(address).orElseThrow();
                    String other = f.isAssociatedTo(pa.id()) ? b : a;
                    Port p = cloud.portOf(other, "tenant-net").orElseThrow();
                    return cloud.associate(f.id(), p.id());
                });
                time("disassociate", () -> cloud.disassociate(fipId));
            }
        } finally {
            if (fip != null) {
                cloud.releaseFloatingIp(fip.id());
            }
            for (String id : servers) {
                time("deleteServer", () -> {
                    cloud.deleteServer(id);
                    return null;
                });
            }
            for (Server left : cloud.listServers(tag, tag)) {
                cloud.deleteServer(left.id());
            }
        }
        write(out, commit, started);
    }

    /** The same request without openstack4j: what the API itself costs, to see the adapter's share. */
    private static Integer rawGet(OpenStackCloud cloud, String url) {
        okhttp3.Request req = new okhttp3.Request.Builder()
                .url(url)
                .header("X-Auth-Token", cloud.keystone().token().getId())
                .get()
                .build();
        try (okhttp3.Response r = cloud.keystone().http().newCall(req).execute()) {
            if (r.code() != 200) {
                throw new IllegalStateException("GET " + url + " -> " + r.code());
            }
            return r.body() == null ? 0 : r.body().bytes().length;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private void write(Path out, String commit, Instant started) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        StringBuilder md = new StringBuilder("# OpenStack adapter benchmark\n\nCommit `" + commit + "`, " + started
                + ". " + TARGET + ". Each figure is the latency of one adapter call as the scaler sees it (openstack4j"
                + " + OkHttp, one JVM, calls made one at a time). Command: `bench/openstack/run.sh`.\n\n"
                + "| operation | runs | p50 ms | p95 ms | p99 ms | max ms |\n|---|---|---|---|---|---|\n");
        for (Map.Entry<String, List<Double>> e : samples.entrySet()) {
            double[] v = e.getValue().stream()
                    .mapToDouble(Double::doubleValue)
                    .sorted()
                    .toArray();
            rows.add(Percentiles.resultRow("openstack " + e.getKey(), "ms", v, TARGET, commit, started.toString()));
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %.1f | %.1f | %.1f | %.1f |%n",
                    e.getKey(),
                    v.length,
                    Percentiles.nearestRank(v, 50),
                    Percentiles.nearestRank(v, 95),
                    Percentiles.nearestRank(v, 99),
                    v[v.length - 1]));
        }
        md.append("\nLoad average (/proc/loadavg) at start: " + loadBefore + "; at end: " + loadAverage() + " on "
                + Runtime.getRuntime().availableProcessors() + " CPUs, shared with other builds: the cloud's own"
                + " latency dominates and varies with it (compare the raw baseline row).\n");
        md.append("\nThe OpenStack here runs every API under uWSGI with 2 processes x 2 threads and answers"
                + " `Connection: close`, so each call pays a TCP connect; \"create to ACTIVE\" is the fake driver's"
                + " boot time plus the 200 ms polling step, not a hypervisor's.\n");
        Files.createDirectories(out);
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(out.resolve("openstack.json").toFile(), rows);
        Files.writeString(out.resolve("openstack.md"), md.toString());
        System.out.println(md);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
