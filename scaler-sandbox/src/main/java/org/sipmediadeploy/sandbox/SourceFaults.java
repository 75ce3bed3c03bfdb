package org.sipmediadeploy.sandbox;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The path faults of one forwarder: per source address, a traffic mode (drop or reject what that source sends)
 * and a loss rate for its datagrams, drawn from a generator seeded per fault so a run can be replayed. The relays
 * ask it about each datagram or connection; other sources are untouched.
 */
final class SourceFaults {
    /** Faults on one path only (a source address to this forwarder), by source. */
    private final Map<InetAddress, SourceFault> bySource = new ConcurrentHashMap<>();

    /** Sets the fault of {@code source}; NORMAL without loss removes it. */
    void set(InetAddress source, TrafficMode mode, double loss, long seed) {
        if (loss < 0 || loss > 1 || Double.isNaN(loss)) {
            throw new IllegalArgumentException("loss must be within 0..1, was " + loss);
        }
        if (mode == TrafficMode.NORMAL && loss == 0) {
            bySource.remove(source);
            return;
        }
        bySource.put(source, new SourceFault(mode, loss, new Random(seed)));
    }

    /** The faults per source, as {@code source -> "MODE loss=R"}. */
    Map<String, String> describe() {
        Map<String, String> m = new TreeMap<>();
        bySource.forEach((k, v) -> m.put(k.getHostAddress(), v.mode() + " loss=" + v.loss()));
        return m;
    }

    void clear() {
        bySource.clear();
    }

    /** True when a datagram from {@code source} must be discarded now (its path is cut, or this one is lost). */
    boolean discards(InetAddress source) {
        SourceFault f = bySource.get(source);
        if (f == null) {
            return false;
        }
        if (f.mode() != TrafficMode.NORMAL) {
            return true;
        }
        synchronized (f) {
            return f.random().nextDouble() < f.loss();
        }
    }

    /** The traffic mode of the path {@code remote} comes from (NORMAL when it has no fault). */
    TrafficMode modeOf(SocketAddress remote) {
        if (remote instanceof InetSocketAddress r) {
            SourceFault f = bySource.get(r.getAddress());
            if (f != null) {
                return f.mode();
            }
        }
        return TrafficMode.NORMAL;
    }

    private record SourceFault(TrafficMode mode, double loss, Random random) {}
}
