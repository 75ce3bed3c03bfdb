package org.sipmediadeploy.core.port;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeTarget;

/**
 * Probes one target. The future always completes normally, within about {@code timeout}, with a
 * {@link ProbeResult}: failures are DOWN or UNKNOWN results with a reason, never exceptions.
 */
public interface Prober extends AutoCloseable {
    CompletableFuture<ProbeResult> probe(ProbeTarget target, Duration timeout);

    @Override
    void close();
}
