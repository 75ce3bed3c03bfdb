package org.sipmediadeploy.probes;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Optional;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.stack.StunStack;

/**
 * One probe's stack and socket. Each probe has its own, closed when the probe ends, so credentials never meet
 * another target's (ice4j looks keys up by username alone) and each Allocate comes from a new 5-tuple.
 */
final class StunSession {
    final StunStack stack;
    final DatagramSocket socket;
    final TransportAddress local;
    final TransportAddress server;
    /** Set once a TURN release owns the session: the release closes it when it is done, not the probe. */
    volatile boolean releasing;

    private boolean closed;

    private StunSession(StunStack stack, DatagramSocket socket, TransportAddress local, TransportAddress server) {
        this.stack = stack;
        this.socket = socket;
        this.local = local;
        this.server = server;
    }

    static StunSession open(String host, int port, Optional<String> bindAddress) throws Exception {
        InetAddress serverAddr = InetAddress.getByName(host);
        InetAddress localAddr =
                bindAddress.isPresent() ? InetAddress.getByName(bindAddress.get()) : routedSource(serverAddr, port);
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(localAddr, 0));
        StunStack stack = new StunStack();
        try {
            stack.addSocket(new IceUdpSocketWrapper(socket));
        } catch (RuntimeException e) {
            socket.close();
            stack.shutDown();
            throw e;
        }
        return new StunSession(
                stack,
                socket,
                new TransportAddress(socket.getLocalAddress(), socket.getLocalPort(), Transport.UDP),
                new TransportAddress(serverAddr, port, Transport.UDP));
    }

    /** The source address the OS would use towards the server (a connected UDP socket sends nothing). */
    private static InetAddress routedSource(InetAddress server, int port) throws SocketException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(server, port);
            return s.getLocalAddress();
        }
    }

    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stack.shutDown();
        } finally {
            socket.close();
        }
    }
}
