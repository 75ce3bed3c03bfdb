package org.sipmediadeploy.core.port;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import org.sipmediadeploy.core.model.ProbeStatus;

/**
 * "Do you see X?": asks every other scaler node for its own latest probe verdict on a target (SWIM-style
 * indirect probing). Completes within {@code timeout} with an answer per peer id; a peer that did not answer in
 * time is absent (and so counts as "not confirmed").
 */
public interface PeerProbes {
    CompletableFuture<Map<String, ProbeStatus>> ask(String targetKey, Duration timeout);

    /**
     * The voting nodes of the current configuration, this one included, when known: the majority of a confirmation
     * follows membership changes instead of the peer list the node started with.
     */
    default OptionalInt clusterSize() {
        return OptionalInt.empty();
    }
}
