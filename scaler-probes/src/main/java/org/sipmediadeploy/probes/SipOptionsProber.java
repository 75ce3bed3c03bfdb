package org.sipmediadeploy.probes;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import javax.sip.ClientTransaction;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.ObjectInUseException;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.SipListener;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.model.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIP OPTIONS over this node's long-lived {@link SipEndpoint}. Traps handled here:
 * <ul>
 * <li>a non-INVITE client transaction only times out after 64*T1 = 32 s: the probe keeps its own deadline and
 * terminates the transaction itself;</li>
 * <li>UDP replies go to the Via sent-by, so it is the concrete bind address, never a wildcard;</li>
 * <li>for TCP/TLS {@code sendRequest} connects in the calling thread: it runs on the cached I/O pool, so a target
 * whose connect hangs delays nobody else.</li>
 * </ul>
 */
final class SipOptionsProber implements SipListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SipOptionsProber.class);

    private final ProbeRuntime runtime;
    private final SipEndpoint sip;
    private final String bindAddress;
    private final Map<ClientTransaction, Pending> pending = new ConcurrentHashMap<>();

    /** One probe in flight. */
    private record Pending(ProbeTarget.SipOptions target, long startNanos, CompletableFuture<ProbeResult> result) {}

    SipOptionsProber(ProbeSettings settings, ProbeRuntime runtime) {
        this.runtime = runtime;
        this.sip = SipEndpoint.start(settings, this);
        this.bindAddress = sip.bindAddress;
        try {
            warmUp();
        } catch (Exception e) {
            LOG.debug("JAIN-SIP warm-up failed; the first probe may be slow", e);
        }
    }

    /**
     * JAIN-SIP loads its header and parser classes on first use, which can turn a cold JVM's first probe into a
     * false timeout: build, print and parse one OPTIONS at start (nothing is sent).
     */
    private void warmUp() throws Exception {
        ListeningPoint lp = sip.listeningPoint(Transport.UDP);
        Request r = options(new ProbeTarget.SipOptions(bindAddress, lp.getPort(), Transport.UDP, null), lp);
        sip.messages.createRequest(r.toString());
    }

    String describeListeningPoints() {
        return sip.describe();
    }

    CompletableFuture<ProbeResult> probe(ProbeTarget.SipOptions target, Duration timeout) {
        long start = System.nanoTime();
        CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        ListeningPoint lp = sip.listeningPoint(target.transport());
        if (lp == null) {
            result.complete(ProbeResult.unknown(
                    Duration.ZERO,
                    "SIP over " + target.transport() + " is not configured on this node (no trust store)",
                    runtime.now()));
            return result;
        }
        ClientTransaction[] holder = new ClientTransaction[1];
        var unused = runtime.deadline(result, timeout, () -> {
            if (result.complete(
                    ProbeResult.silent(ProbeRuntime.since(start), Reasons.timeout(timeout), runtime.now()))) {
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

    private void send(
            ProbeTarget.SipOptions target,
            Duration timeout,
            ListeningPoint lp,
            long start,
            CompletableFuture<ProbeResult> result,
            ClientTransaction[] holder) {
        if (result.isDone()) {
            return;
        }
        ClientTransaction ct = null;
        try {
            ct = sip.provider.getNewClientTransaction(options(target, lp));
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
            result.complete(Reasons.failed(ProbeRuntime.since(start), reason, runtime.now()));
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
        SipURI requestUri = sip.addresses.createSipURI(null, target.host());
        requestUri.setPort(target.port());
        requestUri.setTransportParam(transport);
        SipURI fromUri = sip.addresses.createSipURI("probe", bindAddress);
        Address from = sip.addresses.createAddress(fromUri);
        Address to = sip.addresses.createAddress(sip.addresses.createSipURI("probe", target.host()));
        ViaHeader via = sip.headers.createViaHeader(bindAddress, lp.getPort(), transport, null);
        if (target.transport() == Transport.UDP) {
            via.setRPort();
        }
        SipURI contactUri = sip.addresses.createSipURI("probe", bindAddress);
        contactUri.setPort(lp.getPort());
        contactUri.setTransportParam(transport);
        Request request = sip.messages.createRequest(
                requestUri,
                Request.OPTIONS,
                sip.provider.getNewCallId(),
                sip.headers.createCSeqHeader(1L, Request.OPTIONS),
                sip.headers.createFromHeader(
                        from, Long.toHexString(ThreadLocalRandom.current().nextLong())),
                sip.headers.createToHeader(to, null),
                new ArrayList<>(List.of(via)),
                sip.headers.createMaxForwardsHeader(70));
        request.addHeader(sip.headers.createContactHeader(sip.addresses.createAddress(contactUri)));
        request.addHeader(sip.headers.createUserAgentHeader(List.of("sipmediadeploy-probe")));
        request.addHeader(sip.headers.createAcceptHeader("application", "sdp"));
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
        p.result()
                .complete(
                        p.target().healthyCodes().contains(code)
                                ? ProbeResult.up(latency, reason, runtime.now())
                                : Reasons.failed(latency, reason, runtime.now()));
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        ClientTransaction ct = event.getClientTransaction();
        Pending p = ct == null ? null : pending.remove(ct);
        if (p != null) {
            p.result()
                    .complete(ProbeResult.silent(
                            ProbeRuntime.since(p.startNanos()), "SIP transaction timeout", runtime.now()));
        }
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
        // Carries no transaction: fail every probe in flight to that host, port and transport.
        String transport = event.getTransport() == null ? "" : event.getTransport();
        pending.forEach((ct, p) -> {
            if (p.target().host().equals(event.getHost())
                    && p.target().port() == event.getPort()
                    && p.target().transport().name().equalsIgnoreCase(transport)) {
                if (pending.remove(ct, p)) {
                    p.result()
                            .complete(ProbeResult.refused(
                                    ProbeRuntime.since(p.startNanos()),
                                    "I/O error on " + transport.toLowerCase(Locale.ROOT) + " connection",
                                    runtime.now()));
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
        sip.provider.removeSipListener(this);
        sip.close();
        pending.forEach((ct, p) -> p.result()
                .complete(ProbeResult.unknown(ProbeRuntime.since(p.startNanos()), "prober closed", runtime.now())));
        pending.clear();
    }
}
