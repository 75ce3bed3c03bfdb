package org.sipmediadeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * {@link E2eCluster} on a fake session, through the JUnit launcher: small test classes (nested here, run only by
 * this test) whose first test fails, breaks an invariant or leaves dirt behind, and whose second test must then
 * get a fresh cluster and pass. With one cluster shared blindly (the set-up each class used to copy), the second
 * test would fail on what the first left: one failure would become two.
 */
class E2eClusterTest {

    /** A session that records its life and whose dirt and violations a fixture sets. */
    static final class FakeSession implements E2eCluster.Session {
        static final List<String> LIFE = new ArrayList<>();
        final Path dir;
        final List<String> dirt = new ArrayList<>();
        final List<String> violations = new ArrayList<>();

        FakeSession(Path dir) {
            this.dir = dir;
            LIFE.add("start " + dir.getFileName());
        }

        @Override
        public List<String> awaitClean() {
            return List.copyOf(dirt);
        }

        @Override
        public void beforeTest() {}

        @Override
        public List<String> restoreAndCheck() {
            return List.copyOf(violations); // like the checker over one history: a violation stays in it
        }

        @Override
        public void close() {
            LIFE.add("close " + dir.getFileName());
        }
    }

    /** Runs a fixture only when this test launches it (surefire does not pick nested classes; this makes sure). */
    static final class OnlyFromE2eClusterTest implements ExecutionCondition {
        static volatile boolean launching;

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return launching
                    ? ConditionEvaluationResult.enabled("launched by E2eClusterTest")
                    : ConditionEvaluationResult.disabled("a fixture of E2eClusterTest, meant to fail");
        }
    }

    static FakeSession fake(E2eCluster c) {
        return (FakeSession) c.session();
    }

    @ExtendWith(OnlyFromE2eClusterTest.class)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class FirstTestFails {
        @RegisterExtension
        static final E2eCluster E2E = E2eCluster.builder("extension-first-fails")
                .session(FakeSession::new)
                .build();

        static FakeSession first;

        @Test
        @Order(1)
        void fails() {
            first = fake(E2E);
            first.dirt.add("a node left frozen"); // what a failing test may leave, seen or not
            fail("on purpose");
        }

        @Test
        @Order(2)
        void runsOnAFreshCluster() {
            assertNotSame(first, fake(E2E));
            assertEquals(List.of(), fake(E2E).dirt);
        }
    }

    @ExtendWith(OnlyFromE2eClusterTest.class)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class FirstTestBreaksAnInvariant {
        @RegisterExtension
        static final E2eCluster E2E = E2eCluster.builder("extension-invariant")
                .session(FakeSession::new)
                .build();

        static FakeSession first;

        @Test
        @Order(1)
        void passesButBreaksAnInvariant() {
            first = fake(E2E);
            first.violations.add("decision d1 carried out 2 times");
        }

        @Test
        @Order(2)
        void isNotBlamedForIt() {
            assertNotSame(first, fake(E2E));
        }
    }

    @ExtendWith(OnlyFromE2eClusterTest.class)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class FirstTestLeavesDirt {
        @RegisterExtension
        static final E2eCluster E2E =
                E2eCluster.builder("extension-dirt").session(FakeSession::new).build();

        static FakeSession first;

        @Test
        @Order(1)
        void passesButLeavesANodeBehind() { // its assertions pass, the state it leaves does not become clean
            first = fake(E2E);
            first.dirt.add("scaler-1 has applied up to index 40, behind the leader's commit index 57");
        }

        @Test
        @Order(2)
        void startsClean() {
            assertNotSame(first, fake(E2E));
            assertEquals(List.of(), fake(E2E).dirt);
        }
    }

    @ExtendWith(OnlyFromE2eClusterTest.class)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class AllClean {
        @RegisterExtension
        static final E2eCluster E2E =
                E2eCluster.builder("extension-clean").session(FakeSession::new).build();

        static FakeSession first;

        @Test
        @Order(1)
        void one() {
            first = fake(E2E);
        }

        @Test
        @Order(2)
        void two() {
            assertSame(first, fake(E2E));
        }
    }

    /** Test method name -> its result (SUCCESSFUL, or FAILED with the message). */
    private static Map<String, String> run(Class<?> fixture) {
        FakeSession.LIFE.clear();
        Map<String, String> results = new LinkedHashMap<>();
        Launcher launcher = LauncherFactory.create();
        OnlyFromE2eClusterTest.launching = true;
        try {
            launcher.execute(
                    LauncherDiscoveryRequestBuilder.request()
                            .selectors(DiscoverySelectors.selectClass(fixture))
                            .build(),
                    new TestExecutionListener() {
                        @Override
                        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                            if (id.isTest()) {
                                results.put(
                                        id.getDisplayName().replace("()", ""),
                                        result.getStatus()
                                                + result.getThrowable()
                                                        .map(t -> " " + t.getMessage())
                                                        .orElse(""));
                            }
                        }
                    });
        } finally {
            OnlyFromE2eClusterTest.launching = false;
        }
        return results;
    }

    @Test
    void aTestThatFailsIsFollowedByAFreshClusterSoTheNextTestPasses() throws Exception {
        Map<String, String> r = run(FirstTestFails.class);
        assertTrue(r.get("fails").startsWith("FAILED on purpose"), r.toString());
        assertEquals("SUCCESSFUL", r.get("runsOnAFreshCluster"), r.toString());
        assertEquals(List.of("start demo", "close demo", "start demo-2", "close demo-2"), FakeSession.LIFE);
        // the discarded cluster's directory stays, with why it was discarded
        Path old = Path.of("target", "e2e", "extension-first-fails", "demo", "DISCARDED");
        assertTrue(Files.readString(old).contains("fails() failed"), Files.readString(old));
    }

    @Test
    void anInvariantBrokenByATestIsReportedOnThatTestAndNotOnTheNext() {
        Map<String, String> r = run(FirstTestBreaksAnInvariant.class);
        assertTrue(r.get("passesButBreaksAnInvariant").startsWith("FAILED"), r.toString());
        assertTrue(r.get("passesButBreaksAnInvariant").contains("decision d1 carried out 2 times"), r.toString());
        assertEquals("SUCCESSFUL", r.get("isNotBlamedForIt"), r.toString());
    }

    @Test
    void aStateThatDoesNotBecomeCleanFailsTheTestThatLeftItAndTheNextRunsOnAFreshCluster() {
        Map<String, String> r = run(FirstTestLeavesDirt.class);
        assertTrue(r.get("passesButLeavesANodeBehind").startsWith("FAILED"), r.toString());
        assertTrue(r.get("passesButLeavesANodeBehind").contains("behind the leader's commit index 57"), r.toString());
        assertEquals("SUCCESSFUL", r.get("startsClean"), r.toString());
        assertEquals(List.of("start demo", "close demo", "start demo-2", "close demo-2"), FakeSession.LIFE);
    }

    @Test
    void aCleanPassingTestLeavesTheClusterToTheNext() {
        Map<String, String> r = run(AllClean.class);
        assertEquals(Map.of("one", "SUCCESSFUL", "two", "SUCCESSFUL"), r);
        assertEquals(List.of("start demo", "close demo"), FakeSession.LIFE);
    }
}
