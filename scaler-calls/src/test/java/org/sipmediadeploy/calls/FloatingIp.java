package org.sipmediadeploy.calls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A floating IP for UDP on loopback: packets to it are forwarded to the member it points at, each client through
 * its own translated source port, and what the active member sends to that port goes back to the client. A
 * client keeps its port across a move: Neutron's floating IP keeps the client's own address, so the standby can
 * answer a transaction it never saw (a response it forwards by the Via) and the caller still gets it; packets
 * from a member the floating IP no longer points at are dropped. {@link #cut()} drops every packet.
 */
final class FloatingIp implements AutoCloseable {
    private final DatagramSocket front;
    private final InetAddress address;
    private final int targetPort;
    private final Map<SocketAddress, DatagramSocket> sessions = new ConcurrentHashMap<>();
    private final Thread pump;
    private volatile InetSocketAddress target;

    private FloatingIp(DatagramSocket front, InetAddress address, InetSocketAddress target, int targetPort) {
        this.front = front;
        this.address = address;
        this.target = target;
        this.targetPort = targetPort;
        this.pump = new Thread(this::pumpFromClients, "floating-ip-" + address.getHostAddress());
        this.pump.setDaemon(true);
        this.pump.start();
    }

    static FloatingIp open(String ip, int port, String targetIp, int targetPort) {
        try {
            InetAddress address = InetAddress.getByName(ip);
            DatagramSocket front = new DatagramSocket(new InetSocketAddress(address, port));
            return new FloatingIp(front, address, new InetSocketAddress(targetIp, targetPort), targetPort);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the floating IP " + ip + ":" + port, e);
        }
    }

    /** Points the floating IP at another member. */
    void moveTo(String memberIp) {
        target = new InetSocketAddress(memberIp, targetPort);
    }

    /** Drops every packet, both ways, until the next {@link #moveTo}. */
    void cut() {
        target = null;
    }

    private void dropSessions() {
        sessions.values().forEach(DatagramSocket::close);
        sessions.clear();
    }

    private void pumpFromClients() {
        byte[] buf = new byte[65535];
        while (!front.isClosed()) {
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            try {
                front.receive(in);
                InetSocketAddress to = target;
                if (to == null) {
                    continue;
                }
                SocketAddress client = in.getSocketAddress();
                DatagramSocket session = sessions.computeIfAbsent(client, this::openSession);
                session.send(new DatagramPacket(in.getData(), in.getOffset(), in.getLength(), to));
            } catch (SocketException e) {
                if (front.isClosed()) {
                    return;
                }
            } catch (IOException e) {
                // one lost datagram, as on a real network
            }
        }
    }

    private DatagramSocket openSession(SocketAddress client) {
        try {
            DatagramSocket session = new DatagramSocket(new InetSocketAddress(address, 0));
            Thread back = new Thread(() -> pumpBack(session, client), "floating-ip-back");
            back.setDaemon(true);
            back.start();
            return session;
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void pumpBack(DatagramSocket session, SocketAddress client) {
        byte[] buf = new byte[65535];
        while (!session.isClosed()) {
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            try {
                session.receive(in);
                if (in.getSocketAddress().equals(target)) {
                    front.send(new DatagramPacket(in.getData(), in.getOffset(), in.getLength(), client));
                }
            } catch (IOException e) {
                if (session.isClosed()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        front.close();
        dropSessions();
    }
}
