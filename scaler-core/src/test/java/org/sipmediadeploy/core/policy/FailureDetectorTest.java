package org.sipmediadeploy.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipmediadeploy.core.Fixtures.T0;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.config.DetectorSettings;
import org.sipmediadeploy.core.config.FailoverSettings;
import org.sipmediadeploy.core.model.ProbeEvidence;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeStatus;

/** The adaptive detector: what it learns of a path, how it weighs silence and refusals. */
class FailureDetectorTest {
    static final FailoverSettings ADAPTIVE = FailoverSettings.defaults().withDetector(DetectorSettings.adaptive());
    static final Duration TIMEOUT = Duration.ofMillis(80);

    static int tick;

    static Instant at() {
        return T0.plusMillis(100L * tick++);
    }

    static TargetHealth pass(TargetHealth h, long latencyMs) {
        return h.next(ProbeResult.up(Duration.ofMillis(latencyMs), "200 OK", at()));
    }

    static TargetHealth silent(TargetHealth h) {
        return h.next(ProbeResult.silent(TIMEOUT, "timeout after 80 ms", at()));
    }

    static TargetHealth refused(TargetHealth h) {
        return h.next(ProbeResult.refused(Duration.ofMillis(1), "connection refused", at()));
    }

    /** A path that answered {@code n} probes in about a millisecond and lost none. */
    static TargetHealth cleanPath(int n) {
        TargetHealth h = TargetHealth.NEVER_PROBED;
        for (int i = 0; i < n; i++) {
            h = pass(h, 1);
        }
        return h;
    }

    /** A path that loses every fifth probe (20 %), warmed up over {@code n} probes, ending on an answer. */
    static TargetHealth lossyPath(int n) {
        TargetHealth h = TargetHealth.NEVER_PROBED;
        for (int i = 1; i <= n; i++) {
            h = i % 5 == 0 ? silent(h) : pass(h, 1);
        }
        return pass(h, 1);
    }

    static boolean suspect(TargetHealth h) {
        return FailureDetector.suspects(h, ADAPTIVE, false);
    }

    @Test
    void threeSilentProbesMakeAMemberOfACleanPathSuspectTwoDoNot() {
        TargetHealth h = silent(silent(cleanPath(100)));
        assertFalse(suspect(h), "2 silent probes: " + FailureDetector.suspicion(h, ADAPTIVE.detector()));
        h = silent(h);
        assertTrue(suspect(h), "3 silent probes: " + FailureDetector.suspicion(h, ADAPTIVE.detector()));
    }

    @Test
    void refusalsWeighMoreThanSilence() {
        TargetHealth once = refused(cleanPath(100));
        assertFalse(suspect(once), "one refusal may be a restart");
        assertTrue(suspect(refused(once)), "two refusals");
        assertTrue(suspect(silent(once)), "a refusal then silence");
        assertEquals(ProbeEvidence.IMMEDIATE, once.last().evidence());
    }

    @Test
    void onAPathThatLosesAFifthOfItsProbesItTakesSixSilentProbes() {
        TargetHealth h = lossyPath(400);
        assertTrue(h.path().lossRate() > 0.15, "learnt loss " + h.path().lossRate());
        for (int i = 1; i <= 5; i++) {
            h = silent(h);
            assertFalse(
                    suspect(h), i + " silent probes on a lossy path: " + FailureDetector.describe(h, ADAPTIVE, false));
        }
        h = silent(h);
        assertTrue(suspect(h), FailureDetector.describe(h, ADAPTIVE, false));
    }

    @Test
    void anOutageIsNotLearntAsLossSoTheNextOneIsDetectedAsFast() {
        TargetHealth h = cleanPath(100);
        for (int i = 0; i < 30; i++) {
            h = silent(h);
        }
        h = pass(pass(h, 1), 1);
        assertTrue(
                h.path().lossRate() < 0.03, "loss after an outage " + h.path().lossRate());
        assertTrue(suspect(silent(silent(silent(h)))));
    }

    @Test
    void aPathWhoseAnswersComeCloseToTheTimeoutWeighsSilenceLess() {
        TargetHealth slow = TargetHealth.NEVER_PROBED;
        for (int i = 0; i < 200; i++) {
            slow = pass(slow, 60 + (i % 5) * 5);
        }
        TargetHealth three = silent(silent(silent(slow)));
        assertFalse(suspect(three), "late answers are likely: " + FailureDetector.describe(three, ADAPTIVE, false));
        TargetHealth fast = silent(silent(silent(cleanPath(200))));
        assertTrue(FailureDetector.suspicion(three, ADAPTIVE.detector())
                < FailureDetector.suspicion(fast, ADAPTIVE.detector()));
    }

    @Test
    void withinMinIntervalOfAFailoverTheBarDoubles() {
        TargetHealth h = cleanPath(100);
        for (int i = 0; i < 3; i++) {
            h = silent(h);
        }
        assertTrue(FailureDetector.suspects(h, ADAPTIVE, false));
        assertFalse(FailureDetector.suspects(h, ADAPTIVE, true));
        for (int i = 0; i < 3; i++) {
            h = silent(h);
        }
        assertTrue(FailureDetector.suspects(h, ADAPTIVE, true));
    }

    @Test
    void theCountDetectorIgnoresTheKindOfFailure() {
        FailoverSettings count = FailoverSettings.defaults();
        TargetHealth h = refused(refused(cleanPath(10)));
        assertFalse(FailureDetector.suspects(h, count, false));
        assertTrue(FailureDetector.suspects(refused(h), count, false));
    }

    @Test
    void aPeerVotesDownOnlyOnceItsOwnDetectorSuspects() {
        TargetHealth h = silent(silent(cleanPath(50)));
        assertEquals(ProbeStatus.UNKNOWN, h.peerVerdict(ADAPTIVE));
        assertEquals(ProbeStatus.DOWN, silent(h).peerVerdict(ADAPTIVE));
        assertEquals(ProbeStatus.UP, pass(silent(h), 1).peerVerdict(ADAPTIVE));
        assertEquals(ProbeStatus.UNKNOWN, TargetHealth.NEVER_PROBED.peerVerdict(ADAPTIVE));
    }

    @Test
    void aResultWhoseEvidenceContradictsItsStatusIsRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new ProbeResult(ProbeStatus.UP, Duration.ZERO, "ok", null, T0, ProbeEvidence.SILENT));
        assertThrows(
                IllegalArgumentException.class,
                () -> new ProbeResult(ProbeStatus.DOWN, Duration.ZERO, "x", null, T0, ProbeEvidence.PASSED));
        assertEquals(
                ProbeEvidence.OTHER, ProbeResult.down(Duration.ZERO, "401", T0).evidence());
    }

    @Test
    void badDetectorSettingsAreRefusedWithWhatIsWrong() {
        var e = assertThrows(
                IllegalArgumentException.class, () -> new DetectorSettings(DetectorSettings.Kind.ADAPTIVE, 3, 2, 1.5));
        assertTrue(e.getMessage().contains("loss floor"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> new DetectorSettings(DetectorSettings.Kind.ADAPTIVE, 0, 2, 0.05));
        assertTrue(e.getMessage().contains("suspicion threshold"), e.getMessage());
    }
}
