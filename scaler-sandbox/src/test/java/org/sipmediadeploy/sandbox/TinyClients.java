package org.sipmediadeploy.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

/** A SIP OPTIONS client (UDP and TCP) and a STUN Binding client, written out by hand for the tests. */
final class TinyClients {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TinyClients() {}

    /** An OPTIONS request as a phone would send it from {@code local} (with rport, as behind NAT). */
    static String options(String host, int port, InetSocketAddress local, String transport) {
        String branch =
                "z9hG4bK" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        return "OPTIONS sip:probe@" + host + ":" + port + " SIP/2.0\r\n"
                + "Via: SIP/2.0/" + transport + " " + local.getAddress().getHostAddress() + ":" + local.getPort()
                + ";branch=" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:test@" + local.getAddress().getHostAddress() + ">;tag=" + RANDOM.nextInt(1 << 30) + "\r\n"
                + "To: <sip:probe@" + host + ">\r\n"
                + "Call-ID: " + UUID.randomUUID() + "\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    /** The reply to one OPTIONS over UDP, or empty on timeout. */
    static Optional<String> sipUdp(String host, int port, int timeoutMs) throws IOException {
        return sipUdpFrom("127.0.0.1", host, port, timeoutMs);
    }

    /** As {@link #sipUdp} with the request sent from {@code local} (a loopback address: one path's source). */
    static Optional<String> sipUdpFrom(String local, String host, int port, int timeoutMs) throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(local, 0))) {
            s.setSoTimeout(timeoutMs);
            byte[] req = options(host, port, (InetSocketAddress) s.getLocalSocketAddress(), "UDP")
                    .getBytes(StandardCharsets.UTF_8);
            s.send(new DatagramPacket(req, req.length, InetAddress.getByName(host), port));
            byte[] buf = new byte[4096];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                return Optional.empty();
            }
            if (!p.getAddress().getHostAddress().equals(host) || p.getPort() != port) {
                throw new AssertionError("reply came from " + p.getSocketAddress() + ", not " + host + ":" + port);
            }
            return Optional.of(new String(buf, 0, p.getLength(), StandardCharsets.UTF_8));
        }
    }

    /** The reply to one OPTIONS over TCP, or empty on timeout; connection errors are thrown. */
    static Optional<String> sipTcp(String host, int port, int timeoutMs) throws IOException {
        return sipTcpFrom("127.0.0.1", host, port, timeoutMs);
    }

    /** As {@link #sipTcp} with the connection made from {@code local}. */
    static Optional<String> sipTcpFrom(String local, String host, int port, int timeoutMs) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(local, 0));
            s.connect(new InetSocketAddress(host, port), timeoutMs);
            s.setSoTimeout(timeoutMs);
            OutputStream out = s.getOutputStream();
            out.write(options(host, port, (InetSocketAddress) s.getLocalSocketAddress(), "TCP")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder sb = new StringBuilder();
            byte[] buf = new byte[4096];
            try {
                while (!sb.toString().contains("\r\n\r\n")) {
                    int n = in.read(buf);
                    if (n < 0) {
                        break;
                    }
                    sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (SocketTimeoutException e) {
                return Optional.empty();
            }
            return sb.length() == 0 ? Optional.empty() : Optional.of(sb.toString());
        }
    }

    /** The value of a SIP header in a message, or null. */
    @SuppressWarnings("StringSplitter") // empty lines have no colon and are skipped either way
    static String header(String message, String name) {
        for (String line : message.split("\r\n")) {
            int c = line.indexOf(':');
            if (c > 0 && line.substring(0, c).trim().equalsIgnoreCase(name)) {
                return line.substring(c + 1).trim();
            }
        }
        return null;
    }

    /** A STUN Binding request: 20 bytes, type 0x0001, length 0, the magic cookie, a random transaction id. */
    static byte[] bindingRequest() {
        ByteBuffer b = ByteBuffer.allocate(20);
        b.putShort((short) 0x0001).putShort((short) 0).putInt(0x2112A442);
        byte[] tid = new byte[12];
        RANDOM.nextBytes(tid);
        b.put(tid);
        return b.array();
    }

    /** A parsed Binding success response. {@code responseOrigin} is Coturn's RESPONSE-ORIGIN address, if sent. */
    @SuppressWarnings("ArrayRecordComponent") // a parsed reply read field by field, never compared
    record StunReply(byte[] transactionId, String software, String responseOrigin) {}

    /** One Binding transaction over UDP; empty on timeout. */
    static Optional<StunReply> stun(String host, int port, int timeoutMs) throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(timeoutMs);
            byte[] req = bindingRequest();
            s.send(new DatagramPacket(req, req.length, InetAddress.getByName(host), port));
            byte[] buf = new byte[2048];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                return Optional.empty();
            }
            if (!p.getAddress().getHostAddress().equals(host) || p.getPort() != port) {
                throw new AssertionError("STUN reply came from " + p.getSocketAddress());
            }
            ByteBuffer r = ByteBuffer.wrap(buf, 0, p.getLength());
            if ((r.getShort(0) & 0xffff) != 0x0101) {
                throw new AssertionError("not a Binding success: type " + Integer.toHexString(r.getShort(0)));
            }
            byte[] tid = Arrays.copyOfRange(buf, 8, 20);
            if (!Arrays.equals(tid, Arrays.copyOfRange(req, 8, 20))) {
                throw new AssertionError("transaction id mismatch");
            }
            String software = null;
            String origin = null;
            int i = 20;
            while (i + 4 <= p.getLength()) {
                int type = r.getShort(i) & 0xffff;
                int len = r.getShort(i + 2) & 0xffff;
                if (type == 0x8022) {
                    software = new String(buf, i + 4, len, StandardCharsets.UTF_8);
                } else if (type == 0x802b && len == 8) {
                    origin = (buf[i + 8] & 0xff) + "." + (buf[i + 9] & 0xff) + "." + (buf[i + 10] & 0xff) + "."
                            + (buf[i + 11] & 0xff);
                }
                i += 4 + ((len + 3) & ~3);
            }
            return Optional.of(new StunReply(tid, software, origin));
        }
    }
}
