package org.sipmediadeploy.probes;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * A tiny SIP-over-TLS server (JSSE) answering every request with 200 OK. Kamailio's tls module would need its
 * own certificates and config; this exercises the same client path (JAIN-SIP's TLS layer, trust store, SIP over
 * a TLS stream) at a fraction of the cost.
 */
final class TlsSipResponder implements AutoCloseable {
    private final SSLServerSocket server;
    private final Thread acceptor;
    private final List<Socket> connections = new ArrayList<>();

    TlsSipResponder(Loopback.Endpoint at, Path keyStore, char[] password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(keyStore)) {
            ks.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        server = (SSLServerSocket)
                ctx.getServerSocketFactory().createServerSocket(at.port(), 50, InetAddress.getByName(at.host()));
        acceptor = new Thread(this::acceptLoop, "tls-sip-responder");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                synchronized (connections) {
                    connections.add(s);
                }
                Thread t = new Thread(() -> serve(s), "tls-sip-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void serve(Socket s) {
        try (s;
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = s.getOutputStream()) {
            while (true) {
                List<String> head = new ArrayList<>();
                String line;
                while ((line = in.readLine()) != null && !line.isEmpty()) {
                    head.add(line);
                }
                if (line == null) {
                    return;
                }
                if (head.isEmpty()) {
                    continue; // keep-alive CRLF
                }
                StringBuilder reply = new StringBuilder("SIP/2.0 200 OK\r\n");
                for (String h : head.subList(1, head.size())) {
                    String name =
                            h.substring(0, Math.max(0, h.indexOf(':'))).trim().toLowerCase(Locale.ROOT);
                    if (name.equals("via") || name.equals("from") || name.equals("call-id") || name.equals("cseq")) {
                        reply.append(h).append("\r\n");
                    } else if (name.equals("to")) {
                        reply.append(h).append(";tag=tlsresponder\r\n");
                    }
                }
                reply.append("Content-Length: 0\r\n\r\n");
                out.write(reply.toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException gone) {
            // client went away or handshake failed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (connections) {
            for (Socket s : connections) {
                s.close();
            }
        }
    }
}
