package org.sipmediadeploy.sandbox;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.sipmediadeploy.core.model.Port;
import org.sipmediadeploy.core.port.ScalerEvents;
import org.sipmediadeploy.core.testing.Percentiles;
import org.sipmediadeploy.openstack.OpenStackCloud;

/**
 * Benchmark (not a test): how long after the associate call the first reply comes back through the floating IP
 * from the server it now points at. A client sends a request every millisecond through the floating IP (one UDP
 * flow, as a phone behind NAT keeps); the IP is moved between two servers with the real adapter
 * ({@code Cloud.associate}); the time from the start of that call to the first reply naming the new server is
 * recorded. SIP OPTIONS against real Kamailio (the reply's Server header names the server) and STUN Binding
 * against real Coturn (RESPONSE-ORIGIN names it). Also: sandbox start time, and the associate call's own duration.
 *
 * <p>Usage: {@code FloatingIpMoveBenchmark OUTDIR COMMIT [moves]}; see bench/sandbox/README.md.
 */
public final class FloatingIpMoveBenchmark {
    private static final int SEND_INTERVAL_US = 1000;
    /**
     * SIP is sent every 40 ms: the deploy kit's Kamailio bans a source sending more than 64 requests in 2 s (pike), and
     * the sandbox's forwarder is one source for every client of a floating IP.
     */
    private static final int SIP_INTERVAL_US = 40_000;

    private static String loadBefore = "?";

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().split(" ", 4)[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private FloatingIpMoveBenchmark() {}

    record Figure(String name, String unit, List<Double> samples, String target) {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/results");
        loadBefore = loadAverage();
        String commit = args.length > 1 ? args[1] : "unknown";
        int moves = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        List<Figure> figures = new ArrayList<>();

        List<Double> starts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            Sandbox s = Sandbox.start(
                    SandboxConfig.defaults().toBuilder().addressBlock(60 + i).build());
            starts.add(ms(System.nanoTime() - t0));
            s.close();
        }
        figures.add(new Figure("sandbox start (Sandbox.start until the API answers)", "ms", starts, "< 5000 ms"));

        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().toBuilder()
                .addressBlock(70)
                .bootDelay(Duration.ofMillis(100))
                .build())) {
            OpenStackCloud cloud = OpenStackCloud.create(FloatingIpDataPlaneTest.settings(sandbox), ScalerEvents.NONE);
            List<Double> apiCalls = new ArrayList<>();
            List<Double> afterReturn = new ArrayList<>();
            figures.add(measure(
                    sandbox,
                    cloud,
                    "sipmediadeploy-kamailio",
                    "kamailio",
                    moves,
                    5060,
                    FloatingIpMoveBenchmark::sipRequest,
                    FloatingIpMoveBenchmark::sipServer,
                    SIP_INTERVAL_US,
                    apiCalls,
                    new ArrayList<>(),
                    "SIP OPTIONS/UDP every 40 ms through the floating IP, the deploy kit's Kamailio: associate "
                            + "call start -> first 200 OK from the new server"));
            figures.add(measure(
                    sandbox,
                    cloud,
                    "sipmediadeploy-coturn",
                    "coturn",
                    moves,
                    3478,
                    b -> TinyClients.bindingRequest(),
                    FloatingIpMoveBenchmark::stunOrigin,
                    SEND_INTERVAL_US,
                    apiCalls,
                    afterReturn,
                    "STUN Binding/UDP every 1 ms through the floating IP, real Coturn: associate call start -> "
                            + "first response from the new server"));
            figures.add(new Figure(
                    "data plane only: associate call returned -> first reply from the new server "
                            + "(0 when the reply came first; STUN, sent every 1 ms)",
                    "ms",
                    afterReturn,
                    "<= 2 send intervals (2 ms)"));
            figures.add(new Figure(
                    "associate call (real adapter: GET + PUT with If-Match) duration",
                    "ms",
                    apiCalls,
                    "informational"));
        }
        write(out, commit, moves, figures);
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }

    private static byte[] sipRequest(InetSocketAddress local) {
        return TinyClients.options("127.0.0.1", 5060, local, "UDP").getBytes(StandardCharsets.UTF_8);
    }

    /** Which Kamailio answered: the stateless reply's to-tag up to its separator (the per-socket part). */
    private static String sipServer(byte[] reply) {
        return sipTag(new String(reply, StandardCharsets.UTF_8));
    }

    private static String sipTag(String message) {
        String to = TinyClients.header(message, "To");
        int at = to == null ? -1 : to.indexOf(";tag=");
        if (at < 0) {
            return null;
        }
        String tag = to.substring(at + 5);
        // "<per-socket hash><separator><per-request part>": Kamailio's separator is '.' ('-' in older releases)
        for (int i = 0; i < tag.length(); i++) {
            if (tag.charAt(i) == '.' || tag.charAt(i) == '-') {
                return tag.substring(0, i);
            }
        }
        return tag;
    }

    /**
     * The to-tag of one member, asked at its own address (not through the floating IP); asked again for up to 20 s
     * (the deploy kit's Kamailio takes a moment to listen after its instance starts).
     */
    private static String directSipTag(String host) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Optional<String> answer = TinyClients.sipUdp(host, 5060, 500);
        while (answer.isEmpty() && System.nanoTime() < deadline) {
            answer = TinyClients.sipUdp(host, 5060, 500);
        }
        String reply =
                answer.orElseThrow(() -> new IllegalStateException("no OPTIONS answer from " + host + " in 20 s"));
        String tag = sipTag(reply);
        if (tag == null) {
            throw new IllegalStateException("OPTIONS answer from " + host + " has no to-tag");
        }
        return tag;
    }

    /** The address in Coturn's RESPONSE-ORIGIN attribute. */
    private static String stunOrigin(byte[] reply) {
        ByteBuffer r = ByteBuffer.wrap(reply);
        int i = 20;
        while (i + 4 <= reply.length) {
            int type = r.getShort(i) & 0xffff;
            int len = r.getShort(i + 2) & 0xffff;
            if (type == 0x802b && len == 8) {
                return (reply[i + 8] & 0xff) + "." + (reply[i + 9] & 0xff) + "." + (reply[i + 10] & 0xff) + "."
                        + (reply[i + 11] & 0xff);
            }
            i += 4 + ((len + 3) & ~3);
        }
        return null;
    }

    private static Figure measure(
            Sandbox sandbox,
            OpenStackCloud cloud,
            String image,
            String name,
            int moves,
            int port,
            Function<InetSocketAddress, byte[]> request,
            Function<byte[], String> identify,
            int intervalUs,
            List<Double> apiCalls,
            List<Double> afterReturn,
            String title)
            throws Exception {
        Sandbox.Pair pair = sandbox.createPair(name, image, "bench");
        String[] ids = {pair.serverA(), pair.serverB()};
        String[] ports = {pair.portA(), pair.portB()};
        // What the reply names: the server's stateless to-tag (SIP: Kamailio derives it from its first listening
        // socket, so the two members' tags differ) or the server's host address (STUN).
        String[] names = {null, null};
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!(sandbox.hasInstance(ids[0]) && sandbox.hasInstance(ids[1]))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("servers did not start");
            }
            Thread.sleep(50);
        }
        if (image.contains("kamailio")) {
            names = new String[] {directSipTag(sandbox.hostAddress(ids[0])), directSipTag(sandbox.hostAddress(ids[1]))};
            if (names[0].equals(names[1])) {
                throw new IllegalStateException("both Kamailio members answer with the same to-tag " + names[0]);
            }
        } else {
            names = new String[] {sandbox.hostAddress(ids[0]), sandbox.hostAddress(ids[1])};
        }
        Port check = cloud.portOf(ids[0], null).orElseThrow();
        if (!check.id().equals(ports[0])) {
            throw new IllegalStateException("port mismatch");
        }
        InetAddress fip = InetAddress.getByName(pair.floatingAddress());
        AtomicReference<String> lastFrom = new AtomicReference<>();
        AtomicLong lastAt = new AtomicLong();
        Map<String, Long> firstSeenAfter = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicLong moveStart = new AtomicLong(Long.MAX_VALUE);
        List<Double> samples = Collections.synchronizedList(new ArrayList<>());
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        try {
            socket.setSoTimeout(200);
            InetSocketAddress local = (InetSocketAddress) socket.getLocalSocketAddress();
            Thread receiver = new Thread(
                    () -> {
                        byte[] buf = new byte[4096];
                        while (!socket.isClosed()) {
                            DatagramPacket p = new DatagramPacket(buf, buf.length);
                            try {
                                socket.receive(p);
                            } catch (SocketTimeoutException e) {
                                continue;
                            } catch (IOException e) {
                                return;
                            }
                            long now = System.nanoTime();
                            byte[] copy = java.util.Arrays.copyOf(buf, p.getLength());
                            String who = identify.apply(copy);
                            lastFrom.set(who);
                            lastAt.set(now);
                            if (who != null && now > moveStart.get()) {
                                firstSeenAfter.putIfAbsent(who, now);
                            }
                        }
                    },
                    "bench-receiver");
            receiver.start();
            Thread sender = new Thread(
                    () -> {
                        long next = System.nanoTime();
                        while (!socket.isClosed()) {
                            try {
                                byte[] req = request.apply(local);
                                socket.send(new DatagramPacket(req, req.length, fip, port));
                            } catch (IOException e) {
                                return;
                            }
                            next += intervalUs * 1000L;
                            long wait = next - System.nanoTime();
                            if (wait > 0) {
                                java.util.concurrent.locks.LockSupport.parkNanos(wait);
                            }
                        }
                    },
                    "bench-sender");
            sender.start();
            // Warm-up: replies from A before the first measured move.
            waitFor(() -> pair.serverA() != null && lastFrom.get() != null, 10_000);
            int current = 0;
            for (int i = 0; i < moves + 3; i++) {
                int next = 1 - current;
                firstSeenAfter.clear();
                long t0 = System.nanoTime();
                moveStart.set(t0);
                cloud.associate(pair.floatingIpId(), ports[next]);
                long t1 = System.nanoTime();
                String want = names[next];
                if (!waitUntil(() -> firstSeenAfter.containsKey(want), 5_000)) {
                    throw new IllegalStateException("no reply from " + want + " within 5 s of move " + i
                            + "; replies seen since: " + firstSeenAfter.keySet() + ", last from " + lastFrom.get());
                }
                long first = firstSeenAfter.get(want);
                if (i >= 3) { // the first moves warm the JIT and the forwarders' flow sockets up
                    samples.add(ms(first - t0));
                    apiCalls.add(ms(t1 - t0));
                    afterReturn.add(Math.max(0.0, ms(first - t1)));
                }
                current = next;
                Thread.sleep(100);
            }
            socket.close(); // ends the sender and receiver loops
            sender.join(2000);
            receiver.join(2000);
        } finally {
            socket.close();
        }
        return new Figure(title, "ms", samples, "associate call + 2 send intervals (" + 2 * intervalUs / 1000 + " ms)");
    }

    /** Whether {@code condition} held within {@code timeoutMs} (polled every 0.2 ms). */
    private static boolean waitUntil(java.util.function.BooleanSupplier condition, long timeoutMs)
            throws InterruptedException {
        long end = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(0, 200_000);
        }
        return true;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, long timeoutMs)
            throws InterruptedException {
        if (!waitUntil(condition, timeoutMs)) {
            throw new IllegalStateException("condition not met within " + timeoutMs + " ms");
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static void write(Path out, String commit, int moves, List<Figure> figures) throws IOException {
        Files.createDirectories(out);
        String date = Instant.now().toString();
        List<Map<String, Object>> json = new ArrayList<>();
        StringBuilder md = new StringBuilder();
        md.append("# Sandbox benchmark: floating-IP move to first reply\n\n");
        md.append("Commit `")
                .append(commit)
                .append("`, ")
                .append(date)
                .append(". ")
                .append(moves)
                .append(" moves per protocol between two servers, client sending through the floating IP (its interval "
                        + "in each figure's name); the move is the real "
                        + "adapter's `associate` (GET + PUT with If-Match). Command: `bench/sandbox/run.sh`. Machine: ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" CPUs, 1-min load average ")
                .append(loadBefore)
                .append(" before and ")
                .append(loadAverage())
                .append(" after the run (other work shares the machine; tails are scheduling delays).\n\n");
        md.append("| figure | runs | p50 | p95 | p99 | max | unit | target |\n|---|---|---|---|---|---|---|---|\n");
        for (Figure f : figures) {
            List<Double> s = new ArrayList<>(f.samples());
            Collections.sort(s);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", f.name());
            m.put("unit", f.unit());
            m.put("runs", s.size());
            m.put("p50", round(Percentiles.nearestRank(s, 50)));
            m.put("p95", round(Percentiles.nearestRank(s, 95)));
            m.put("p99", round(Percentiles.nearestRank(s, 99)));
            m.put("max", round(s.get(s.size() - 1)));
            m.put("target", f.target());
            m.put("commit", commit);
            m.put("date", date);
            json.add(m);
            md.append("| ")
                    .append(f.name())
                    .append(" | ")
                    .append(s.size())
                    .append(" | ")
                    .append(m.get("p50"))
                    .append(" | ")
                    .append(m.get("p95"))
                    .append(" | ")
                    .append(m.get("p99"))
                    .append(" | ")
                    .append(m.get("max"))
                    .append(" | ")
                    .append(f.unit())
                    .append(" | ")
                    .append(f.target())
                    .append(" |\n");
        }
        Files.writeString(
                out.resolve("sandbox.json"),
                RawApi.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
        Files.writeString(out.resolve("sandbox.md"), md.toString());
        System.out.print(md);
    }
}
