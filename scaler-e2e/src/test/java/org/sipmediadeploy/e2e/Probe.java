package org.sipmediadeploy.e2e;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One UDP request through a floating IP: a raw SIP OPTIONS (status line parsed) or a STUN Binding request (a
 * success response with our transaction id). Small on purpose: the end-to-end client must not share code with the
 * scaler's own prober, so a prober bug cannot hide a data-plane outage.
 */
final class Probe {
    enum Kind {
        SIP,
        STUN
    }

    /** What one request got: ok, and the responder's {@code Server:} header for SIP (which member answered). */
    record Answer(boolean ok, String server) {}

    private Probe() {}

    static Answer once(Kind kind, String address, int port, int timeoutMs) {
        try (DatagramSocket s =
                new DatagramSocket(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0))) {
            s.setSoTimeout(timeoutMs);
            byte[] req;
            byte[] txid = new byte[12];
            ThreadLocalRandom.current().nextBytes(txid);
            if (kind == Kind.SIP) {
                req = options(address, port, s.getLocalPort(), txid).getBytes(StandardCharsets.US_ASCII);
            } else {
                req = ByteBuffer.allocate(20)
                        .putShort((short) 0x0001)
                        .putShort((short) 0)
                        .putInt(0x2112A442)
                        .put(txid)
                        .array();
            }
            s.send(new DatagramPacket(req, req.length, InetAddress.getByName(address), port));
            long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
            byte[] buf = new byte[4096];
            // bounded: at most a few stray datagrams (late replies of an earlier member) before the timeout
            for (int i = 0; i < 8 && System.nanoTime() < deadline; i++) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                s.receive(p);
                Answer a = kind == Kind.SIP ? sip(p, txid) : stun(p, txid);
                if (a != null) {
                    return a;
                }
            }
            return new Answer(false, null);
        } catch (SocketTimeoutException e) {
            return new Answer(false, null);
        } catch (IOException e) {
            return new Answer(false, null);
        }
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }

    private static String options(String address, int port, int localPort, byte[] txid) {
        String id = hex(txid);
        return "OPTIONS sip:" + address + ":" + port + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + localPort + ";branch=z9hG4bK" + id + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:e2e@127.0.0.1>;tag=" + id.substring(0, 8) + "\r\n"
                + "To: <sip:" + address + ">\r\n"
                + "Call-ID: " + id + "@e2e\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Contact: <sip:e2e@127.0.0.1:" + localPort + ">\r\n"
                + "Accept: application/sdp\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    @SuppressWarnings("StringSplitter") // an empty line is no Server header either way
    private static Answer sip(DatagramPacket p, byte[] txid) {
        String msg = new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
        if (!msg.contains(hex(txid))) {
            return null; // a late reply to an earlier request
        }
        String server = null;
        for (String line : msg.split("\r\n")) {
            if (line.regionMatches(true, 0, "Server:", 0, 7)) {
                server = line.substring(7).strip();
            }
        }
        return new Answer(msg.startsWith("SIP/2.0 200"), server);
    }

    private static Answer stun(DatagramPacket p, byte[] txid) {
        if (p.getLength() < 20) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(p.getData(), 0, p.getLength());
        int type = b.getShort(0) & 0xffff;
        for (int i = 0; i < 12; i++) {
            if (b.get(8 + i) != txid[i]) {
                return null;
            }
        }
        return new Answer(type == 0x0101, null);
    }
}
