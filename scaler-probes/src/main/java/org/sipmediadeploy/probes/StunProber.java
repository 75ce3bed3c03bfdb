package org.sipmediadeploy.probes;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ice4j.ResponseCollector;
import org.ice4j.StunResponseEvent;
import org.ice4j.StunTimeoutEvent;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.ErrorCodeAttribute;
import org.ice4j.attribute.MappedAddressAttribute;
import org.ice4j.attribute.NonceAttribute;
import org.ice4j.attribute.RealmAttribute;
import org.ice4j.attribute.XorMappedAddressAttribute;
import org.ice4j.attribute.XorRelayedAddressAttribute;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;
import org.ice4j.message.Response;
import org.ice4j.security.LongTermCredential;
import org.ice4j.security.LongTermCredentialSession;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.stack.StunStack;
import org.ice4j.stack.TransactionID;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * STUN Binding and TURN Allocate over UDP with ice4j. Each probe uses its own {@link StunStack} and ephemeral
 * socket, closed when the probe ends, so credentials never meet another target's (ice4j looks keys up by
 * username alone) and each Allocate comes from a new 5-tuple. Should the OS hand out again a port whose earlier
 * allocation was not released (the release got lost), Coturn answers 437 and the probe retries once from a new
 * socket. Requests go through {@link StunStack#sendRequest} with our own retransmission schedule and deadline;
 * ice4j's {@code BlockingRequestSender} is not used because it has no timeout.
 */
final class StunProber {
    private static final Logger LOG = LoggerFactory.getLogger(StunProber.class);
    private static final byte UDP_TRANSPORT = 17;
    private static final char UNAUTHORIZED = 401;
    private static final char STALE_NONCE = 438;
    private static final char ALLOCATION_MISMATCH = 437;

    private final ProbeRuntime runtime;
    private final Optional<String> bindAddress;
    private final ProbeSettings.StunRetransmit retransmit;

    StunProber(ProbeSettings settings, ProbeRuntime runtime) {
        this.runtime = runtime;
        this.bindAddress = settings.stunBindAddress();
        this.retransmit = settings.stunRetransmit();
        JulBridge.install();
        warmUp();
    }

    /**
     * ice4j loads its Kotlin/Typesafe configuration and message classes lazily, which took over a second on the
     * first probe here and turned it into a false timeout. Pay that once at start: encode and decode a request.
     */
    private static void warmUp() {
        StunStack stack = new StunStack();
        try {
            Request r = MessageFactory.createBindingRequest();
            r.setTransactionID(TransactionID.createNewTransactionID().getBytes());
            byte[] bytes = r.encode(stack);
            Message.decode(bytes, 0, bytes.length);
        } catch (Exception e) {
            LOG.debug("ice4j warm-up failed; the first probe may be slow", e);
        } finally {
            stack.shutDown();
        }
    }

    /**
     * Opening a socket and starting its reader thread is blocking work: it runs on the I/O pool, not on the
     * caller's thread (the scheduler's single tick thread serves every target).
     */
    @SuppressWarnings("FutureReturnValueIgnored") // the nested future is flattened by thenCompose, not ignored
    CompletableFuture<ProbeResult> binding(ProbeTarget.StunBinding target, Duration timeout) {
        long start = System.nanoTime();
        return CompletableFuture.supplyAsync(() -> binding(target, timeout, start), runtime.io)
                .thenCompose(f -> f);
    }

    @SuppressWarnings("FutureReturnValueIgnored") // the nested future is flattened by thenCompose, not ignored
    CompletableFuture<ProbeResult> allocate(ProbeTarget.TurnAllocate target, Duration timeout) {
        long start = System.nanoTime();
        return CompletableFuture.supplyAsync(
                        () -> allocate(target, timeout, start, start + timeout.toNanos(), true), runtime.io)
                .thenCompose(f -> f);
    }

    private CompletableFuture<ProbeResult> binding(ProbeTarget.StunBinding target, Duration timeout, long start) {
        long deadline = start + timeout.toNanos();
        Session s;
        try {
            s = Session.open(target.host(), target.port(), bindAddress);
        } catch (Exception e) {
            return CompletableFuture.completedFuture(ProbeResult.unknown(
                    ProbeRuntime.since(start),
                    "cannot open a local UDP socket: " + Reasons.of(e, timeout),
                    runtime.now()));
        }
        CompletableFuture<ProbeResult> result = send(s, MessageFactory.createBindingRequest(), deadline)
                .thenApply(r -> {
                    Duration latency = ProbeRuntime.since(start);
                    if (r.isErrorResponse()) {
                        return Reasons.failed(latency, "STUN " + error(r), runtime.now());
                    }
                    TransportAddress mapped = mappedAddress(r);
                    return mapped == null
                            ? ProbeResult.down(latency, "STUN success without a mapped address", runtime.now())
                            : ProbeResult.up(
                                    latency,
                                    "mapped " + mapped.getHostAddress() + ":" + mapped.getPort(),
                                    runtime.now());
                })
                .exceptionally(e -> failed(e, start, timeout));
        var unused = result.whenComplete((r, e) -> s.close());
        return result;
    }

    private CompletableFuture<ProbeResult> allocate(
            ProbeTarget.TurnAllocate target, Duration timeout, long start, long deadline, boolean mayRetryMismatch) {
        Session s;
        try {
            s = Session.open(target.host(), target.port(), bindAddress);
        } catch (Exception e) {
            return CompletableFuture.completedFuture(ProbeResult.unknown(
                    ProbeRuntime.since(start),
                    "cannot open a local UDP socket: " + Reasons.of(e, timeout),
                    runtime.now()));
        }
        CompletableFuture<Attempt> attempt = send(s, allocateRequest(), deadline)
                .thenCompose(first -> {
                    if (!first.isErrorResponse()) {
                        // A server without authentication: still a relayed address, nothing to sign the release.
                        return done(allocated(first, start, s, null, timeout));
                    }
                    char code = errorCode(first);
                    if (code == ALLOCATION_MISMATCH && mayRetryMismatch) {
                        return CompletableFuture.completedFuture(Attempt.RETRY_NEW_SOCKET);
                    }
                    if (code != UNAUTHORIZED) {
                        return done(Reasons.failed(ProbeRuntime.since(start), "TURN " + error(first), runtime.now()));
                    }
                    RealmAttribute realm = (RealmAttribute) first.getAttribute(Attribute.REALM);
                    NonceAttribute nonce = (NonceAttribute) first.getAttribute(Attribute.NONCE);
                    if (realm == null || nonce == null) {
                        return done(ProbeResult.down(
                                ProbeRuntime.since(start),
                                "TURN 401 without REALM/NONCE: not a long-term credential challenge",
                                runtime.now()));
                    }
                    LongTermCredentialSession creds = new LongTermCredentialSession(
                            new LongTermCredential(
                                    target.username(), target.password().reveal()),
                            realm.getRealm());
                    creds.setNonce(nonce.getNonce());
                    s.stack.getCredentialsManager().registerAuthority(creds);
                    return authenticated(s, creds, target, start, deadline, timeout, true, mayRetryMismatch);
                })
                .exceptionally(e -> new Attempt(failed(e, start, timeout)));
        var unused = attempt.whenComplete((r, e) -> {
            if (!s.releasing) {
                s.close();
            }
        });
        return attempt.thenCompose(a -> a.retriesOnNewSocket()
                // 437: this 5-tuple still holds an allocation, an earlier probe's whose release was lost and
                // whose ephemeral port the OS has handed out again. A new socket is a new 5-tuple.
                ? allocate(target, timeout, start, deadline, false)
                : CompletableFuture.completedFuture(a.result()));
    }

    /** One Allocate exchange: a result, or "retry from a new socket". */
    private record Attempt(ProbeResult result) {
        static final Attempt RETRY_NEW_SOCKET = new Attempt(null);

        // The sentinel is that one instance: identity, not a result-less value, is what marks it.
        @SuppressWarnings("ReferenceEquality")
        boolean retriesOnNewSocket() {
            return this == RETRY_NEW_SOCKET;
        }
    }

    private static CompletableFuture<Attempt> done(ProbeResult r) {
        return CompletableFuture.completedFuture(new Attempt(r));
    }

    private CompletableFuture<Attempt> authenticated(
            Session s,
            LongTermCredentialSession creds,
            ProbeTarget.TurnAllocate target,
            long start,
            long deadline,
            Duration timeout,
            boolean mayRetryNonce,
            boolean mayRetryMismatch) {
        Request request = allocateRequest();
        try {
            creds.addAttributes(request);
        } catch (Exception e) {
            return done(ProbeResult.unknown(
                    ProbeRuntime.since(start),
                    "cannot sign the TURN request: " + Reasons.of(e, timeout),
                    runtime.now()));
        }
        return send(s, request, deadline).thenCompose(r -> {
            if (!r.isErrorResponse()) {
                return done(allocated(r, start, s, creds, timeout));
            }
            char code = errorCode(r);
            if (code == STALE_NONCE && mayRetryNonce) {
                NonceAttribute nonce = (NonceAttribute) r.getAttribute(Attribute.NONCE);
                if (nonce != null) {
                    creds.setNonce(nonce.getNonce());
                    return authenticated(s, creds, target, start, deadline, timeout, false, mayRetryMismatch);
                }
            }
            if (code == ALLOCATION_MISMATCH && mayRetryMismatch) {
                return CompletableFuture.completedFuture(Attempt.RETRY_NEW_SOCKET);
            }
            String reason = code == UNAUTHORIZED
                    ? "401 bad credentials for user '" + target.username() + "' in realm '"
                            + new String(creds.getRealm(), StandardCharsets.UTF_8) + "'"
                    : "TURN " + error(r);
            return done(Reasons.failed(ProbeRuntime.since(start), reason, runtime.now()));
        });
    }

    private ProbeResult allocated(
            Response r, long start, Session s, LongTermCredentialSession creds, Duration timeout) {
        Duration latency = ProbeRuntime.since(start);
        XorRelayedAddressAttribute relayed = (XorRelayedAddressAttribute) r.getAttribute(Attribute.XOR_RELAYED_ADDRESS);
        if (relayed == null) {
            return ProbeResult.down(latency, "TURN success without a relayed address", runtime.now());
        }
        TransportAddress addr = relayed.getAddress(r.getTransactionID());
        release(s, creds, timeout);
        return ProbeResult.up(latency, "relayed " + addr.getHostAddress() + ":" + addr.getPort(), runtime.now());
    }

    /**
     * Refresh with LIFETIME 0 frees the relay port at once instead of after the default 10 minutes. Runs after the
     * result is delivered (the release is not part of the health verdict) and closes the session when done.
     */
    private void release(Session s, LongTermCredentialSession creds, Duration timeout) {
        s.releasing = true;
        release(s, creds, timeout, System.nanoTime() + timeout.toNanos(), true);
    }

    private void release(
            Session s, LongTermCredentialSession creds, Duration timeout, long deadline, boolean mayRetryNonce) {
        Request refresh = MessageFactory.createRefreshRequest(0);
        try {
            if (creds != null) {
                creds.addAttributes(refresh);
            }
        } catch (Exception e) {
            LOG.debug("cannot sign the TURN release", e);
            s.close();
            return;
        }
        var unused = send(s, refresh, deadline).whenComplete((r, e) -> {
            if (e != null) {
                LOG.debug("TURN release to {} got no answer: {}", s.server, Reasons.of(e, timeout));
            } else if (r.isErrorResponse()
                    && errorCode(r) == STALE_NONCE
                    && mayRetryNonce
                    && creds != null
                    && r.getAttribute(Attribute.NONCE) != null) {
                // The nonce expired between Allocate and Refresh: sign again with the new one.
                creds.setNonce(((NonceAttribute) r.getAttribute(Attribute.NONCE)).getNonce());
                release(s, creds, timeout, deadline, false);
                return;
            } else if (r.isErrorResponse()) {
                LOG.debug("TURN release to {} refused: {}", s.server, error(r));
            }
            s.close();
        });
    }

    private static Request allocateRequest() {
        return MessageFactory.createAllocateRequest(UDP_TRANSPORT, false);
    }

    /** Sends one request; completes with the response or a TimeoutException at the deadline. */
    private CompletableFuture<Response> send(Session s, Request request, long deadlineNanos) {
        CompletableFuture<Response> f = new CompletableFuture<>();
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            f.completeExceptionally(new TimeoutException());
            return f;
        }
        ResponseCollector collector = new ResponseCollector() {
            @Override
            public void processResponse(StunResponseEvent event) {
                f.complete(event.getResponse());
            }

            @Override
            public void processTimeout(StunTimeoutEvent event) {
                f.completeExceptionally(new TimeoutException());
            }
        };
        try {
            TransactionID tid = s.stack.sendRequest(
                    request,
                    s.server,
                    s.local,
                    collector,
                    TransactionID.createNewTransactionID(),
                    retransmit.maxRetransmissions(),
                    (int) retransmit.initial().toMillis(),
                    (int) retransmit.max().toMillis());
            var timer = runtime.timer.schedule(
                    () -> {
                        if (f.completeExceptionally(new TimeoutException())) {
                            s.stack.cancelTransaction(tid);
                        }
                    },
                    remaining,
                    TimeUnit.NANOSECONDS);
            var unused = f.whenComplete((r, e) -> timer.cancel(false));
        } catch (Exception e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    private ProbeResult failed(Throwable e, long start, Duration timeout) {
        Throwable t = Reasons.unwrap(e);
        Duration latency = ProbeRuntime.since(start);
        if (t instanceof TimeoutException) {
            return ProbeResult.silent(latency, Reasons.timeout(timeout), runtime.now());
        }
        return Reasons.failed(latency, Reasons.of(t, timeout), runtime.now());
    }

    private static TransportAddress mappedAddress(Response r) {
        Attribute xor = r.getAttribute(Attribute.XOR_MAPPED_ADDRESS);
        if (xor instanceof XorMappedAddressAttribute x) {
            return x.getAddress(r.getTransactionID());
        }
        Attribute plain = r.getAttribute(Attribute.MAPPED_ADDRESS);
        if (plain instanceof MappedAddressAttribute m) {
            return m.getAddress();
        }
        return null;
    }

    private static char errorCode(Message r) {
        ErrorCodeAttribute ec = (ErrorCodeAttribute) r.getAttribute(Attribute.ERROR_CODE);
        return ec == null ? 0 : ec.getErrorCode();
    }

    private static String error(Message r) {
        ErrorCodeAttribute ec = (ErrorCodeAttribute) r.getAttribute(Attribute.ERROR_CODE);
        if (ec == null) {
            return "error response without ERROR-CODE";
        }
        String phrase = ec.getReasonPhrase();
        return (int) ec.getErrorCode() + " " + (phrase == null ? "" : phrase.trim());
    }

    /** One probe's stack and socket. */
    private static final class Session {
        final StunStack stack;
        final DatagramSocket socket;
        final TransportAddress local;
        final TransportAddress server;
        volatile boolean releasing;
        private boolean closed;

        private Session(StunStack stack, DatagramSocket socket, TransportAddress local, TransportAddress server) {
            this.stack = stack;
            this.socket = socket;
            this.local = local;
            this.server = server;
        }

        static Session open(String host, int port, Optional<String> bindAddress) throws Exception {
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
            return new Session(
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
}
