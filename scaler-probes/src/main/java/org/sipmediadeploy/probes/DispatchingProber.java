package org.sipmediadeploy.probes;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.port.Prober;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes each target kind to its prober and keeps the promise of the port: a result, never an exception. */
final class DispatchingProber implements Prober {
    private static final Logger LOG = LoggerFactory.getLogger(DispatchingProber.class);
    private static final Duration MIN_TIMEOUT = Duration.ofMillis(1);
    private static final Duration MAX_TIMEOUT = Duration.ofSeconds(30);

    private final ProbeRuntime runtime;
    private final SipOptionsProber sip;
    private final StunProber stun;
    private final GatewayStatusProber gateway;
    private final AtomicBoolean closed = new AtomicBoolean();

    DispatchingProber(ProbeSettings settings) {
        this.runtime = new ProbeRuntime(settings.clock());
        try {
            this.sip = new SipOptionsProber(settings, runtime);
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
        this.stun = new StunProber(settings, runtime);
        this.gateway = new GatewayStatusProber(settings, runtime);
    }

    @Override
    public CompletableFuture<ProbeResult> probe(ProbeTarget target, Duration timeout) {
        if (closed.get()) {
            return CompletableFuture.completedFuture(
                    ProbeResult.unknown(Duration.ZERO, "prober closed", runtime.now()));
        }
        if (target == null
                || timeout == null
                || timeout.compareTo(MIN_TIMEOUT) < 0
                || timeout.compareTo(MAX_TIMEOUT) > 0) {
            return CompletableFuture.completedFuture(ProbeResult.unknown(
                    Duration.ZERO, "invalid probe request: target " + target + ", timeout " + timeout, runtime.now()));
        }
        try {
            return dispatch(target, timeout).exceptionally(e -> {
                LOG.warn("probe of {} failed unexpectedly", target.key(), e);
                return ProbeResult.unknown(Duration.ZERO, "probe failed: " + Reasons.of(e, timeout), runtime.now());
            });
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("probe of {} failed unexpectedly", target.key(), e);
            return CompletableFuture.completedFuture(
                    ProbeResult.unknown(Duration.ZERO, "probe failed: " + Reasons.of(e, timeout), runtime.now()));
        }
    }

    private CompletableFuture<ProbeResult> dispatch(ProbeTarget target, Duration timeout) {
        if (target instanceof ProbeTarget.SipOptions t) {
            return sip.probe(t, timeout);
        } else if (target instanceof ProbeTarget.StunBinding t) {
            return stun.binding(t, timeout);
        } else if (target instanceof ProbeTarget.TurnAllocate t) {
            return stun.allocate(t, timeout);
        } else if (target instanceof ProbeTarget.GatewayStatus t) {
            return gateway.probe(t, timeout);
        }
        throw new AssertionError(target);
    }

    /** The SIP listening points, e.g. "UDP 127.0.0.1:5099 TCP 127.0.0.1:5099". */
    String sipListeningPoints() {
        return sip.describeListeningPoints();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            sip.close();
            runtime.close();
        }
    }
}
