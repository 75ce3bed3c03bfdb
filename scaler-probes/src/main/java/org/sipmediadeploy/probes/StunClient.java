package org.sipmediadeploy.probes;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ice4j.ResponseCollector;
import org.ice4j.StunResponseEvent;
import org.ice4j.StunTimeoutEvent;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.ErrorCodeAttribute;
import org.ice4j.message.Message;
import org.ice4j.message.Request;
import org.ice4j.message.Response;
import org.ice4j.stack.TransactionID;
import org.sipmediadeploy.core.model.ProbeResult;

/**
 * The request/response plumbing of the STUN and TURN probes: opens a probe's {@link StunSession} and runs one
 * transaction at a time on it. Requests go through {@link org.ice4j.stack.StunStack#sendRequest} with our own
 * retransmission schedule and deadline; ice4j's {@code BlockingRequestSender} is not used because it has no
 * timeout.
 */
final class StunClient {
    private final ProbeRuntime runtime;
    private final Optional<String> bindAddress;
    private final ProbeSettings.StunRetransmit retransmit;

    StunClient(ProbeSettings settings, ProbeRuntime runtime) {
        this.runtime = runtime;
        this.bindAddress = settings.stunBindAddress();
        this.retransmit = settings.stunRetransmit();
    }

    /** A new session towards the server, from the configured source address or the one the OS routes from. */
    StunSession open(String host, int port) throws Exception {
        return StunSession.open(host, port, bindAddress);
    }

    /** Sends one request; completes with the response or a TimeoutException at the deadline. */
    CompletableFuture<Response> send(StunSession s, Request request, long deadlineNanos) {
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

    /** The result of an exchange that got no usable answer: silence at the deadline, else what went wrong. */
    /** What a probe reports when it cannot even open its local socket: nothing was asked of the target. */
    ProbeResult noSocket(Exception e, long start, Duration timeout) {
        return ProbeResult.unknown(
                ProbeRuntime.since(start), "cannot open a local UDP socket: " + Reasons.of(e, timeout), runtime.now());
    }

    ProbeResult failed(Throwable e, long start, Duration timeout) {
        Throwable t = Reasons.unwrap(e);
        Duration latency = ProbeRuntime.since(start);
        if (t instanceof TimeoutException) {
            return ProbeResult.silent(latency, Reasons.timeout(timeout), runtime.now());
        }
        return Reasons.failed(latency, Reasons.of(t, timeout), runtime.now());
    }

    static char errorCode(Message r) {
        ErrorCodeAttribute ec = (ErrorCodeAttribute) r.getAttribute(Attribute.ERROR_CODE);
        return ec == null ? 0 : ec.getErrorCode();
    }

    static String error(Message r) {
        ErrorCodeAttribute ec = (ErrorCodeAttribute) r.getAttribute(Attribute.ERROR_CODE);
        if (ec == null) {
            return "error response without ERROR-CODE";
        }
        String phrase = ec.getReasonPhrase();
        return (int) ec.getErrorCode() + " " + (phrase == null ? "" : phrase.trim());
    }
}
