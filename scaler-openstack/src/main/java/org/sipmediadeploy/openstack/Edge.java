package org.sipmediadeploy.openstack;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.openstack4j.model.identity.v3.Token;
import org.sipmediadeploy.core.port.Cloud;
import org.sipmediadeploy.core.port.CloudException;
import org.sipmediadeploy.core.port.CloudException.Kind;
import org.sipmediadeploy.core.port.ScalerEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one cloud operation: classifies its failure, re-authenticates once when a service refuses the token,
 * retries TRANSIENT failures a bounded number of times with jittered exponential backoff, and reports the
 * operation's latency and error class once to {@link ScalerEvents#cloudCall}. The operation body must be safe to
 * run again (every operation of the adapter looks before it acts).
 */
final class Edge {
    private static final Logger LOG = LoggerFactory.getLogger(Edge.class);

    private final Keystone keystone;
    private final ScalerEvents events;
    private final int maxAttempts;
    private final Duration backoff;

    Edge(Keystone keystone, ScalerEvents events, int maxAttempts, Duration backoff) {
        this.keystone = keystone;
        this.events = events;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
    }

    <T> T run(String operation, Supplier<T> body) {
        return run(operation, Cloud.Guard.NONE, body);
    }

    /**
     * As {@link #run(String, Supplier)}, with {@code guard} checked before every try: a leader deposed during a
     * retry's backoff stops there instead of calling the cloud again. What the guard throws is passed through.
     */
    <T> T run(String operation, Cloud.Guard guard, Supplier<T> body) {
        long start = System.nanoTime();
        boolean reauthenticated = false;
        int attempt = 0;
        while (true) {
            attempt++;
            Token used = null;
            guard.check();
            try {
                used = keystone.token();
                T result = body.get();
                report(operation, start, null);
                return result;
            } catch (RuntimeException e) {
                CloudException ce = Errors.classify(operation, e);
                if (ce.kind() == Kind.AUTH
                        && used != null
                        && !reauthenticated
                        && !"authenticate".equals(ce.operation())) {
                    // The token was refused (expired early, revoked, Keystone restarted with new keys): once.
                    LOG.info("{}: token refused, authenticating again", operation);
                    keystone.invalidate(used);
                    reauthenticated = true;
                    attempt--;
                    continue;
                }
                if (ce.kind() == Kind.TRANSIENT && attempt < maxAttempts) {
                    LOG.warn(
                            "{}: attempt {}/{} failed, retrying: {}", operation, attempt, maxAttempts, ce.getMessage());
                    if (!pause(attempt)) {
                        report(operation, start, ce.kind());
                        throw ce;
                    }
                    continue;
                }
                report(operation, start, ce.kind());
                if (!operation.equals(ce.operation())) {
                    throw new CloudException(ce.kind(), operation, ce.getMessage(), ce);
                }
                throw ce;
            }
        }
    }

    private boolean pause(int attempt) {
        long base = backoff.toMillis() << Math.min(attempt - 1, 10);
        long jittered = (long) (base * (0.5 + ThreadLocalRandom.current().nextDouble()));
        try {
            Thread.sleep(jittered);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void report(String operation, long startNanos, Kind kind) {
        try {
            events.cloudCall(operation, Duration.ofNanos(System.nanoTime() - startNanos), kind);
        } catch (RuntimeException e) {
            LOG.warn("event listener failed on cloudCall({})", operation, e);
        }
    }
}
