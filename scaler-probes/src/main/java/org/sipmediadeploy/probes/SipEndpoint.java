package org.sipmediadeploy.probes;

import gov.nist.javax.sip.EventScanner;
import gov.nist.javax.sip.EventWrapper;
import gov.nist.javax.sip.SipStackImpl;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EventObject;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sip.ListeningPoint;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.address.AddressFactory;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;
import org.sipmediadeploy.core.model.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's JAIN-SIP stack: one per prober, long-lived, with UDP and TCP listening points on one port of the
 * bind address (and TLS on another when a trust store is configured), one provider and its factories.
 * {@code SipFactory} caches stacks by {@code STACK_NAME}, so each gets a unique name: a second prober in the same
 * JVM would otherwise silently share (and close) the first one's stack.
 */
final class SipEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SipEndpoint.class);
    private static final AtomicInteger STACK_SEQ = new AtomicInteger();

    final String bindAddress;
    final AddressFactory addresses;
    final HeaderFactory headers;
    final MessageFactory messages;
    final SipProvider provider;
    private final SipStack stack;
    private final Map<Transport, ListeningPoint> listeningPoints;

    private SipEndpoint(
            String bindAddress,
            SipFactory factory,
            SipStack stack,
            SipProvider provider,
            Map<Transport, ListeningPoint> listeningPoints)
            throws Exception {
        this.bindAddress = bindAddress;
        this.stack = stack;
        this.provider = provider;
        this.listeningPoints = listeningPoints;
        this.addresses = factory.createAddressFactory();
        this.headers = factory.createHeaderFactory();
        this.messages = factory.createMessageFactory();
    }

    /**
     * Starts the stack and delivers its events to {@code listener}.
     *
     * @throws IllegalStateException when it cannot start (address not local, port taken, bad trust store)
     */
    static SipEndpoint start(ProbeSettings settings, SipListener listener) {
        String bindAddress = settings.sipBindAddress();
        Slf4jStackLogger.install();
        SipStack stack = null;
        try {
            SipFactory factory = SipFactory.getInstance();
            factory.setPathName("gov.nist");
            Properties p = new Properties();
            p.setProperty(
                    "javax.sip.STACK_NAME",
                    "sipmediadeploy-probes-" + ProcessHandle.current().pid() + "-" + STACK_SEQ.incrementAndGet());
            p.setProperty("gov.nist.javax.sip.STACK_LOGGER", Slf4jStackLogger.class.getName());
            p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", Slf4jServerLogger.class.getName());
            p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
            // Bounds a TCP/TLS connect to a host that drops SYNs; the probe deadline still answers first.
            p.setProperty("gov.nist.javax.sip.CONNECTION_TIMEOUT", "2000");
            p.setProperty("gov.nist.javax.sip.READ_TIMEOUT", "2000");
            p.setProperty("gov.nist.javax.sip.SSL_HANDSHAKE_TIMEOUT", "2000");
            // Without a pool JAIN-SIP starts a new thread for every received UDP datagram, on the very thread that
            // reads the socket. A fixed pool and a larger receive buffer keep that reader reading under load.
            p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "4");
            p.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", Integer.toString(1 << 20));
            // Responses to transactions we already terminated on timeout are dropped, not delivered as strays.
            p.setProperty("gov.nist.javax.sip.REJECT_STRAY_RESPONSES", "true");
            settings.tls().ifPresent(tls -> {
                String path = tls.trustStore().toAbsolutePath().toString();
                p.setProperty("javax.net.ssl.keyStore", path);
                p.setProperty("javax.net.ssl.trustStore", path);
                p.setProperty("javax.net.ssl.keyStorePassword", tls.password().reveal());
                p.setProperty("javax.net.ssl.trustStorePassword", tls.password().reveal());
                p.setProperty("javax.net.ssl.keyStoreType", tls.type());
                p.setProperty("javax.net.ssl.trustStoreType", tls.type());
                // "DisabledAll" would make JAIN-SIP trust every certificate: pin the safe default.
                p.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Default");
                p.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", "TLSv1.2,TLSv1.3");
            });
            stack = factory.createSipStack(p);
            Map<Transport, ListeningPoint> lps = createListeningPoints(stack, settings);
            List<ListeningPoint> all = new ArrayList<>(lps.values());
            SipProvider provider = stack.createSipProvider(all.get(0));
            for (ListeningPoint lp : all.subList(1, all.size())) {
                provider.addListeningPoint(lp);
            }
            provider.addSipListener(listener);
            stack.start();
            SipEndpoint endpoint = new SipEndpoint(bindAddress, factory, stack, provider, lps);
            LOG.info("SIP probe stack listening on {}", endpoint.describe());
            return endpoint;
        } catch (Exception e) {
            if (stack != null) {
                stop(stack);
            }
            throw new IllegalStateException(
                    "cannot start the SIP probe stack on " + bindAddress + ": " + Reasons.of(e, Duration.ZERO), e);
        }
    }

    /** The listening point for a transport, or null when that transport is not configured. */
    ListeningPoint listeningPoint(Transport transport) {
        return listeningPoints.get(transport);
    }

    private static Map<Transport, ListeningPoint> createListeningPoints(SipStack stack, ProbeSettings settings)
            throws Exception {
        Map<Transport, ListeningPoint> listeningPoints = new EnumMap<>(Transport.class);
        String bindAddress = settings.sipBindAddress();
        InetAddress bind = InetAddress.getByName(bindAddress);
        Exception last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            int port = settings.sipPort() != 0 ? settings.sipPort() : freeUdpAndTcpPort(bind);
            try {
                ListeningPoint udp = stack.createListeningPoint(bindAddress, port, ListeningPoint.UDP);
                try {
                    ListeningPoint tcp = stack.createListeningPoint(bindAddress, port, ListeningPoint.TCP);
                    listeningPoints.put(Transport.UDP, udp);
                    listeningPoints.put(Transport.TCP, tcp);
                    break;
                } catch (Exception e) {
                    stack.deleteListeningPoint(udp);
                    throw e;
                }
            } catch (Exception e) {
                last = e;
                if (settings.sipPort() != 0) {
                    throw e;
                }
            }
        }
        if (!listeningPoints.containsKey(Transport.UDP)) {
            throw last;
        }
        if (settings.tls().isPresent()) {
            int tlsPort = settings.sipPort() != 0 ? settings.sipPort() + 1 : freeTcpPort(bind);
            listeningPoints.put(Transport.TLS, stack.createListeningPoint(bindAddress, tlsPort, ListeningPoint.TLS));
        }
        return listeningPoints;
    }

    private static int freeUdpAndTcpPort(InetAddress bind) throws IOException {
        for (int i = 0; i < 50; i++) {
            int port;
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(bind, 0))) {
                port = udp.getLocalPort();
            }
            try (ServerSocket tcp = new ServerSocket()) {
                tcp.bind(new InetSocketAddress(bind, port));
                return port;
            } catch (IOException taken) {
                // the TCP side of that port is in use: try another one
            }
        }
        throw new IOException("no port free for both UDP and TCP on " + bind);
    }

    private static int freeTcpPort(InetAddress bind) throws IOException {
        try (ServerSocket tcp = new ServerSocket()) {
            tcp.bind(new InetSocketAddress(bind, 0));
            return tcp.getLocalPort();
        }
    }

    String describe() {
        StringBuilder sb = new StringBuilder();
        listeningPoints.forEach((t, lp) -> sb.append(t)
                .append(' ')
                .append(lp.getIPAddress())
                .append(':')
                .append(lp.getPort())
                .append(' '));
        return sb.toString().trim();
    }

    @Override
    public void close() {
        stop(stack);
    }

    private static void stop(SipStack stack) {
        try {
            EventScanner scanner = ((SipStackImpl) stack).getEventScanner();
            stack.stop();
            // JAIN-SIP 1.3's stop() only flags its event thread, which stays blocked on its queue for ever (and,
            // being non-daemon, keeps the JVM alive): hand it one empty event so that it sees the flag and ends.
            if (scanner != null) {
                scanner.addEvent(new EventWrapper(new EventObject(stack), null));
            }
        } catch (RuntimeException e) {
            LOG.debug("stopping the SIP probe stack failed", e);
        }
    }
}
