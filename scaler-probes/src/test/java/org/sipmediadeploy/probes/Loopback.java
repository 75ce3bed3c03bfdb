package org.sipmediadeploy.probes;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks loopback addresses and ports for test servers. Other suites may run on this machine at the same time,
 * so each server gets a random address in 127.(100..199).x.y with a port free for both UDP and TCP.
 */
final class Loopback {
    private Loopback() {}

    record Endpoint(String host, int port) {}

    static Endpoint freeEndpoint(int preferredPort) {
        for (int attempt = 0; attempt < 100; attempt++) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            String host = "127." + r.nextInt(100, 200) + "." + r.nextInt(0, 256) + "." + r.nextInt(2, 255);
            int port = attempt < 50 ? preferredPort : r.nextInt(20000, 30000);
            if (free(host, port)) {
                return new Endpoint(host, port);
            }
        }
        throw new IllegalStateException("no free loopback endpoint");
    }

    static boolean free(String host, int port) {
        try {
            InetAddress a = InetAddress.getByName(host);
            try (DatagramSocket u = new DatagramSocket(new InetSocketAddress(a, port));
                    ServerSocket t = new ServerSocket()) {
                t.setReuseAddress(false);
                t.bind(new InetSocketAddress(a, port));
                return true;
            }
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether something accepts TCP connections there. */
    static boolean tcpListening(String host, int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new InetSocketAddress(host, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a UDP port is bound (we cannot bind it ourselves). */
    static boolean udpBound(String host, int port) {
        try (DatagramSocket u = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(host), port))) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
