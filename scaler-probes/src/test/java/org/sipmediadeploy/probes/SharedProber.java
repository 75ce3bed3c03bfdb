package org.sipmediadeploy.probes;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.port.Prober;

/**
 * The real prober a probe test class shares ({@code @RegisterExtension static final}): made before the class's
 * first test, closed after its last. {@link #probe} waits for the probe's own deadline; its 10 s bound only keeps a
 * broken probe from hanging the test.
 */
final class SharedProber implements BeforeAllCallback, AfterAllCallback {
    /** For probes expected to fail by timeout: the asserted reason names it. */
    static final Duration TIMEOUT = Duration.ofMillis(400);
    /** For probes expected to answer: generous, so that a loaded CI machine cannot make a false timeout. */
    static final Duration GENEROUS = Duration.ofSeconds(3);

    private final ProbeSettings settings;
    private Prober prober;

    SharedProber() {
        this(ProbeSettings.defaults());
    }

    SharedProber(ProbeSettings settings) {
        this.settings = settings;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        prober = Probes.create(settings);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        prober.close();
    }

    Prober prober() {
        return prober;
    }

    /** The probe's result within {@link #GENEROUS}. */
    ProbeResult probe(ProbeTarget target) throws Exception {
        return probe(target, GENEROUS);
    }

    ProbeResult probe(ProbeTarget target, Duration timeout) throws Exception {
        return prober.probe(target, timeout).get(10, TimeUnit.SECONDS);
    }
}
