package org.sipmediadeploy.probes;

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
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sip.ClientTransaction;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.ObjectInUseException;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.model.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import gov.nist.javax.sip.EventScanner;
import gov.nist.javax.sip.EventWrapper;
import gov.nist.javax.sip.SipStackImpl;

/**
 * SIP OPTIONS over one long-lived JAIN-SIP stack per node (UDP and TCP listening points, TLS when a trust store
 * is configured). Traps handled here:
 * <ul>
 * <li>{@code SipFactory} caches stacks by {@code STACK_NAME}: each instance gets a unique name, or a second
 * prober in the same JVM would silently share (and close) the first one's stack;</li>
 * <li>a non-INVITE client transaction only times out after 64*T1 = 32 s: the probe keeps its own deadline and
 * terminates the transaction itself;</li>
 * <li>UDP replies go to the Via sent-by, so it is the concrete bind address, never a wildcard;</li>
 * <li>for TCP/TLS {@code sendRequest} connects in the calling thread: it runs on the cached I/O pool, so a target
 * whose connect hangs delays nobody else.</li>
 * </ul>
 */
final class SipOptionsProber implements SipListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SipOptionsProber.class);
    private static final AtomicInteger STACK_SEQ = new AtomicInteger();

    private final ProbeRuntime runtime;
    private final String bindAddress;
    private final SipStack stack;
    private final SipProvider provider;
    private final Map<Transport, ListeningPoint> listeningPoints = new EnumMap<>(Transport.class);
    private final AddressFactory addresses;
    private final HeaderFactory headers;
    private final MessageFactory messages;
    private final Map<ClientTransaction, Pending> pending = new ConcurrentHashMap<>();

    /** One probe in flight. */
    private record Pending(ProbeTarget.SipOptions target, long startNanos, CompletableFuture<ProbeResult> result) {
    }

    SipOptionsProber(ProbeSettings settings, ProbeRuntime runtime) {
        this.runtime = runtime;
        this.bindAddress = settings.sipBindAddress();
        Slf4jStackLogger.install();
        try {
            SipFactory factory = SipFactory.getInstance();
            factory.setPathName("gov.nist");
            Properties p = new Properties();
            p.setProperty("javax.sip.STACK_NAME", "sipmediadeploy-probes-" + ProcessHandle.current().pid() + "-"
                    + STACK_SEQ.incrementAndGet());
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
            addresses = factory.createAddressFactory();
            headers = factory.createHeaderFactory();
            messages = factory.createMessageFactory();
            createListeningPoints(settings);
            List<ListeningPoint> lps = new ArrayList<>(listeningPoints.values());
            provider = stack.createSipProvider(lps.get(0));
            for (ListeningPoint lp : lps.subList(1, lps.size())) {
                provider.addListeningPoint(lp);
            }
            provider.addSipListener(this);
            stack.start();
            warmUp();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the SIP probe stack on " + bindAddress + ": "
                    + Reasons.of(e, Duration.ZERO), e);
        }
        LOG.info("SIP probe stack listening on {}", describeListeningPoints());
    }

    /**
     * JAIN-SIP loads its header and parser classes on first use, which can turn a cold JVM's first probe into a
     * false timeout: build, print and parse one OPTIONS at start (nothing is sent).
     */
    private void warmUp() throws Exception {
        ListeningPoint lp = listeningPoints.get(Transport.UDP);
        Request r = options(new ProbeTarget.SipOptions(bindAddress, lp.getPort(), Transport.UDP, null), lp);
        messages.createRequest(r.toString());
    }

    private void createListeningPoints(ProbeSettings settings) throws Exception {
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

    String describeListeningPoints() {
        StringBuilder sb = new StringBuilder();
        listeningPoints.forEach((t, lp) -> sb.append(t).append(' ').append(lp.getIPAddress()).append(':')
                .append(lp.getPort()).append(' '));
        return sb.toString().trim();
    }

    CompletableFuture<ProbeResult> probe(ProbeTarget.SipOptions target, Duration timeout) {
        long start = System.nanoTime();
        CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        ListeningPoint lp = listeningPoints.get(target.transport());
        if (lp == null) {
            result.complete(ProbeResult.unknown(Duration.ZERO, "SIP over " + target.transport()
                    + " is not configured on this node (no trust store)", runtime.now()));
            return result;
        }
        ClientTransaction[] holder = new ClientTransaction[1];
        runtime.deadline(result, timeout, () -> {
            if (result.complete(ProbeResult.down(ProbeRuntime.since(start), Reasons.timeout(timeout),
                    runtime.now()))) {
                ClientTransaction ct;
                synchronized (holder) {
                    ct = holder[0];
                }
                forget(ct);
            }
        });
        runtime.io.execute(() -> send(target, timeout, lp, start, result, holder));
        return result;
    }

    private void send(ProbeTarget.SipOptions target, Duration timeout, ListeningPoint lp, long start,
            CompletableFuture<ProbeResult> result, ClientTransaction[] holder) {
        if (result.isDone()) {
            return;
        }
        ClientTransaction ct = null;
        try {
            ct = provider.getNewClientTransaction(options(target, lp));
            pending.put(ct, new Pending(target, start, result));
            synchronized (holder) {
                holder[0] = ct;
            }
            ct.sendRequest();
            if (result.isDone()) {
                // the deadline fired while we were connecting: it could not see the transaction yet
                forget(ct);
            }
        } catch (Exception | LinkageError e) {
            forget(ct);
            String reason = Reasons.of(e, timeout);
            if (target.transport() != Transport.UDP && reason.contains("Could not connect")) {
                reason = diagnoseConnect(target, start, timeout);
            }
            result.complete(ProbeResult.down(ProbeRuntime.since(start), reason, runtime.now()));
        }
    }

    /**
     * JAIN-SIP reports any failed TCP/TLS connect as "Could not connect to …" and drops the cause. Refused and
     * unreachable call for different actions, so try one plain connect within the time left to tell them apart.
     */
    private static String diagnoseConnect(ProbeTarget.SipOptions target, long start, Duration timeout) {
        long leftMs = timeout.minus(ProbeRuntime.since(start)).toMillis();
        if (leftMs < 1) {
            return Reasons.timeout(timeout);
        }
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new InetSocketAddress(target.host(), target.port()), (int) leftMs);
            return "could not connect (" + target.transport().name().toLowerCase(Locale.ROOT)
                    + "), though the port accepts connections now";
        } catch (IOException e) {
            return Reasons.of(e, timeout);
        }
    }

    private Request options(ProbeTarget.SipOptions target, ListeningPoint lp) throws Exception {
        String transport = target.transport().name().toLowerCase(Locale.ROOT);
        SipURI requestUri = addresses.createSipURI(null, target.host());
        requestUri.setPort(target.port());
        requestUri.setTransportParam(transport);
        SipURI fromUri = addresses.createSipURI("probe", bindAddress);
        Address from = addresses.createAddress(fromUri);
        Address to = addresses.createAddress(addresses.createSipURI("probe", target.host()));
        ViaHeader via = headers.createViaHeader(bindAddress, lp.getPort(), transport, null);
        if (target.transport() == Transport.UDP) {
            via.setRPort();
        }
        SipURI contactUri = addresses.createSipURI("probe", bindAddress);
        contactUri.setPort(lp.getPort());
        contactUri.setTransportParam(transport);
        Request request = messages.createRequest(requestUri, Request.OPTIONS,
                provider.getNewCallId(),
                headers.createCSeqHeader(1L, Request.OPTIONS),
                headers.createFromHeader(from, Long.toHexString(ThreadLocalRandom.current().nextLong())),
                headers.createToHeader(to, null),
                new ArrayList<>(List.of(via)),
                headers.createMaxForwardsHeader(70));
        request.addHeader(headers.createContactHeader(addresses.createAddress(contactUri)));
        request.addHeader(headers.createUserAgentHeader(List.of("sipmediadeploy-probe")));
        request.addHeader(headers.createAcceptHeader("application", "sdp"));
        return request;
    }

    /** Drops our bookkeeping and ends the transaction now rather than after 32 s. */
    private void forget(ClientTransaction ct) {
        if (ct == null) {
            return;
        }
        pending.remove(ct);
        try {
            ct.terminate();
        } catch (ObjectInUseException | RuntimeException e) {
            LOG.trace("terminating an OPTIONS transaction failed", e);
        }
    }

    @Override
    public void processResponse(ResponseEvent event) {
        ClientTransaction ct = event.getClientTransaction();
        Response response = event.getResponse();
        if (ct == null || response.getStatusCode() < 200) {
            return;
        }
        Pending p = pending.remove(ct);
        if (p == null) {
            return;
        }
        int code = response.getStatusCode();
        String reason = code + " " + response.getReasonPhrase();
        Duration latency = ProbeRuntime.since(p.startNanos());
        p.result().complete(p.target().healthyCodes().contains(code)
                ? ProbeResult.up(latency, reason, runtime.now())
                : ProbeResult.down(latency, reason, runtime.now()));
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        ClientTransaction ct = event.getClientTransaction();
        Pending p = ct == null ? null : pending.remove(ct);
        if (p != null) {
            p.result().complete(ProbeResult.down(ProbeRuntime.since(p.startNanos()), "SIP transaction timeout",
                    runtime.now()));
        }
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
        // Carries no transaction: fail every probe in flight to that host, port and transport.
        String transport = event.getTransport() == null ? "" : event.getTransport();
        pending.forEach((ct, p) -> {
            if (p.target().host().equals(event.getHost()) && p.target().port() == event.getPort()
                    && p.target().transport().name().equalsIgnoreCase(transport)) {
                if (pending.remove(ct, p)) {
                    p.result().complete(ProbeResult.down(ProbeRuntime.since(p.startNanos()),
                            "I/O error on " + transport.toLowerCase(Locale.ROOT) + " connection", runtime.now()));
                }
            }
        });
    }

    @Override
    public void processRequest(RequestEvent event) {
        // A probe serves nothing; the stack answers nothing either (no server transaction is created).
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {
        if (event.getClientTransaction() != null) {
            pending.remove(event.getClientTransaction());
        }
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
        // OPTIONS creates no dialog
    }

    int inFlight() {
        return pending.size();
    }

    @Override
    public void close() {
        try {
            provider.removeSipListener(this);
            EventScanner scanner = ((SipStackImpl) stack).getEventScanner();
            stack.stop();
            // JAIN-SIP 1.3's stop() only flags its event thread, which stays blocked on its queue for ever (and,
            // being non-daemon, keeps the JVM alive): hand it one empty event so that it sees the flag and ends.
            if (scanner != null) {
                scanner.addEvent(new EventWrapper(new EventObject(this), null));
            }
        } catch (RuntimeException e) {
            LOG.debug("stopping the SIP probe stack failed", e);
        }
        pending.forEach((ct, p) -> p.result().complete(ProbeResult.unknown(ProbeRuntime.since(p.startNanos()),
                "prober closed", runtime.now())));
        pending.clear();
    }
}
