package org.sipmediadeploy.probes;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.MappedAddressAttribute;
import org.ice4j.attribute.XorMappedAddressAttribute;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;
import org.ice4j.message.Response;
import org.ice4j.stack.StunStack;
import org.ice4j.stack.TransactionID;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * STUN Binding and TURN Allocate over UDP with ice4j. Each probe uses its own {@link StunStack} and ephemeral
 * socket ({@link StunSession}), closed when the probe ends; requests go out through {@link StunClient}. The
 * Binding exchange is here, the Allocate exchange with its credentials and release in {@link TurnAllocator}.
 */
final class StunProber {
    private static final Logger LOG = LoggerFactory.getLogger(StunProber.class);

    private final ProbeRuntime runtime;
    private final StunClient client;
    private final TurnAllocator turn;

    StunProber(ProbeSettings settings, ProbeRuntime runtime) {
        this.runtime = runtime;
        this.client = new StunClient(settings, runtime);
        this.turn = new TurnAllocator(client, runtime);
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
                        () -> turn.allocate(target, timeout, start, start + timeout.toNanos(), true), runtime.io)
                .thenCompose(f -> f);
    }

    private CompletableFuture<ProbeResult> binding(ProbeTarget.StunBinding target, Duration timeout, long start) {
        long deadline = start + timeout.toNanos();
        StunSession s;
        try {
            s = client.open(target.host(), target.port());
        } catch (Exception e) {
            return CompletableFuture.completedFuture(client.noSocket(e, start, timeout));
        }
        CompletableFuture<ProbeResult> result = client.send(s, MessageFactory.createBindingRequest(), deadline)
                .thenApply(r -> {
                    Duration latency = ProbeRuntime.since(start);
                    if (r.isErrorResponse()) {
                        return Reasons.failed(latency, "STUN " + StunClient.error(r), runtime.now());
                    }
                    TransportAddress mapped = mappedAddress(r);
                    return mapped == null
                            ? ProbeResult.down(latency, "STUN success without a mapped address", runtime.now())
                            : ProbeResult.up(
                                    latency,
                                    "mapped " + mapped.getHostAddress() + ":" + mapped.getPort(),
                                    runtime.now());
                })
                .exceptionally(e -> client.failed(e, start, timeout));
        var unused = result.whenComplete((r, e) -> s.close());
        return result;
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
}
