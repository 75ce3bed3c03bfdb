package org.sipmediadeploy.probes;

import java.time.Clock;
import java.util.function.BiConsumer;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.port.CallRouter;
import org.sipmediadeploy.core.port.Prober;

/** The module's one entry point. */
public final class Probes {
    private Probes() {}

    /**
     * A prober for every {@link ProbeTarget} kind, with one long-lived SIP stack bound as the settings say.
     * Close it to release the stack, its sockets and threads.
     *
     * @throws IllegalStateException when the SIP stack cannot start (bad bind address, port taken, bad trust
     *                               store): configuration fails closed, probes never throw
     */
    public static Prober create(ProbeSettings settings) {
        return new DispatchingProber(settings);
    }

    /** Runs probes at each target's interval and hands every result to {@code consumer}. */
    public static ProbeScheduler scheduler(Prober prober, Clock clock, BiConsumer<ProbeTarget, ProbeResult> consumer) {
        return new ProbeScheduler(prober, clock, consumer);
    }

    /** Reads the role's Kamailio pair (registered and locked gateways per host) over its read-only JSON-RPC. */
    public static CallRouter kamailioCallRouter() {
        return new KamailioCallRouter();
    }
}
