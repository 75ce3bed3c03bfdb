package org.sipmediadeploy.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.sipmediadeploy.core.testing.LoopbackBlock;

/**
 * The e2e cluster of a test class, as a JUnit 5 extension ({@code @RegisterExtension static final E2eCluster E2E =
 * E2eCluster.builder("fault-matrix").block(...).failover("max-per-hour = 60").traffic().build();}). It owns the
 * work dir ({@code target/e2e/NAME}), starts the cluster once for the class, and around every test:
 *
 * <ul>
 *   <li>before: checks the cluster is clean ({@link CleanState}, awaited a bounded time); if the previous test
 *       failed, broke an invariant or left a state that cannot be made clean, the cluster is discarded (closed, its
 *       directory and logs kept, with a {@code DISCARDED} note saying why) and a fresh one is started in a new
 *       directory ({@code demo-2}, ...): one failure stays one failure. Then the client traffic starts when the
 *       class asked for it;
 *   <li>after: the traffic stops, the world is restored (faults undone, nodes and members back, healthy), the
 *       invariant checker runs over the whole history and the clean state is awaited (bounded: e.g. a node whose
 *       history does not catch up after a heal); a violation, a failed restore or a state that does not become
 *       clean is reported on this test, and the next test gets a fresh cluster with a fresh checker (so the
 *       violation is not reported again).
 * </ul>
 */
final class E2eCluster implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    /** One started cluster, with what the extension needs of it; {@link DemoSession} is the real one. */
    interface Session extends AutoCloseable {
        /** What is still not clean after a bounded wait; empty when the next test may start on this cluster. */
        List<String> awaitClean();

        /** Just before a test (e.g. the client traffic starts). */
        void beforeTest();

        /** Just after a test: its faults undone and the cluster healthy again; returns the invariant violations. */
        List<String> restoreAndCheck() throws Exception;

        @Override
        void close();
    }

    /** Starts a session with its files under {@code dir}. */
    interface Starter {
        Session start(Path dir) throws Exception;
    }

    private final String name;
    private final Starter starter;
    private Path work;
    private Session session;
    private int started;
    /** Why the current session must not serve the next test; null while it may. */
    private String discard;

    private E2eCluster(String name, Starter starter) {
        this.name = name;
        this.starter = starter;
    }

    static Builder builder(String name) {
        return new Builder(name);
    }

    /** The options of a class's cluster; the defaults are the demo's, with {@code hosts(1, 6)} for the checker. */
    static final class Builder {
        private final String name;
        private int block = -1;
        private String failover;
        private String nodeHost = "127.0.0.1";
        private boolean traffic;
        private Duration healthyWithin = Duration.ofSeconds(150);
        private Starter starter;

        private Builder(String name) {
            this.name = name;
        }

        /** The class's loopback block; a system property named {@code property} overrides it (a side-by-side run). */
        Builder block(LoopbackBlock b, String property) {
            this.block = Integer.getInteger(property, b.number());
            return this;
        }

        Builder block(LoopbackBlock b) {
            this.block = b.number();
            return this;
        }

        /** A {@code failover { }} block for both pairs, e.g. {@code max-per-hour = 60} (see {@link Cluster#start}). */
        Builder failover(String settings) {
            this.failover = settings;
            return this;
        }

        /** The scaler nodes' Raft and admin host (a test's own loopback block). */
        Builder nodeHost(String host) {
            this.nodeHost = host;
            return this;
        }

        /** A {@link TrafficRecorder} per test, started (first answers seen) before the test runs. */
        Builder traffic() {
            this.traffic = true;
            return this;
        }

        /** How long a freshly started cluster may take to become healthy. */
        Builder healthyWithin(Duration d) {
            this.healthyWithin = d;
            return this;
        }

        /** Another kind of session (the extension's own tests run it on a fake). */
        Builder session(Starter s) {
            this.starter = s;
            return this;
        }

        E2eCluster build() {
            if (starter != null) {
                return new E2eCluster(name, starter);
            }
            if (block < 0) {
                throw new IllegalStateException(name + ": a loopback block is required");
            }
            int b = block;
            String f = failover;
            String host = nodeHost;
            boolean t = traffic;
            Duration healthy = healthyWithin;
            return new E2eCluster(name, dir -> DemoSession.start(dir, b, f, host, t, healthy));
        }
    }

    // ---------------------------------------------------------------- what the tests use

    Session session() {
        if (session == null) {
            throw new IllegalStateException(name + ": no cluster running (its start failed: see the test's error)");
        }
        return session;
    }

    Cluster cluster() {
        return demo().cluster();
    }

    InvariantChecker checker() {
        return demo().checker();
    }

    /** The client traffic of the running test (a class built with {@link Builder#traffic()}). */
    TrafficRecorder traffic() {
        return demo().traffic();
    }

    /** The directory of the running cluster (its logs, the sandbox event log). */
    Path dir() {
        return demo().dir();
    }

    private DemoSession demo() {
        if (session() instanceof DemoSession d) {
            return d;
        }
        throw new IllegalStateException(name + " runs no demo cluster but " + session.getClass());
    }

    // ---------------------------------------------------------------- the lifecycle

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        work = Cluster.freshWorkDir(name);
        startNext();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        String test = context.getDisplayName();
        if (session != null && discard == null) {
            List<String> dirt = session.awaitClean();
            if (!dirt.isEmpty()) {
                discard = "not clean before " + test + ": " + String.join("; ", dirt);
            }
        }
        if (session == null || discard != null) {
            replace();
        }
        session.beforeTest();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        String test = context.getDisplayName();
        if (session == null) {
            return; // the start failed before the test: already reported on it
        }
        List<String> violations;
        try {
            violations = session.restoreAndCheck();
        } catch (Exception | AssertionError e) {
            discard = test + " left a world that could not be restored: " + e;
            throw e;
        }
        if (context.getExecutionException().isPresent()) {
            discard = test + " failed: " + context.getExecutionException().get();
            return; // discarded anyway: no need to wait for a clean state
        }
        if (!violations.isEmpty()) {
            discard = test + " broke invariants: " + violations;
            throw new AssertionError("invariants broken during " + test + ": " + violations);
        }
        // what the next test will ask for, asked now: a node that does not catch up is this test's failure
        List<String> dirt = session.awaitClean();
        if (!dirt.isEmpty()) {
            discard = test + " left a state that did not become clean: " + dirt;
            throw new AssertionError(test + " left the cluster not clean: " + String.join("; ", dirt));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (session != null) {
            session.close();
            session = null;
        }
    }

    /** Discards the current session (its directory kept, with the reason), then starts the next one. */
    private void replace() throws Exception {
        if (session != null) {
            System.out.println(name + ": discarding the cluster, a fresh one serves the next test: " + discard);
            note(current(), discard);
            try {
                session.close();
            } finally {
                session = null;
            }
        }
        discard = null;
        startNext();
    }

    private Path current() {
        return work.resolve(started <= 1 ? "demo" : "demo-" + started);
    }

    private void startNext() throws Exception {
        started++;
        session = starter.start(current());
    }

    private static void note(Path dir, String why) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("DISCARDED"), why + "\n");
        } catch (IOException e) {
            // evidence only: the reason is also on the console
        }
    }
}
