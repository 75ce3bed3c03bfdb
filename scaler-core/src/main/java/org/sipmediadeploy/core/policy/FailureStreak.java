package org.sipmediadeploy.core.policy;

import java.time.Duration;
import org.sipmediadeploy.core.model.ProbeEvidence;

/**
 * The current run of failed probes of a target, by kind: {@code silent} (timeouts and other failures weighed like
 * them) and {@code immediate} (refused at once). {@code silentChance} is the chance, learnt before the run's first silent probe,
 * that a healthy target leaves a probe unanswered: the run is weighed against the path as it was, not as the
 * failing target makes it look.
 */
record FailureStreak(int silent, int immediate, double silentChance) {
    public static final FailureStreak NONE = new FailureStreak(0, 0, 0);

    public FailureStreak {
        if (silent < 0 || immediate < 0 || !(silentChance >= 0 && silentChance <= 1)) {
            throw new IllegalArgumentException("bad failure streak " + silent + " " + immediate + " " + silentChance);
        }
    }

    /**
     * One more failure. The first silent one fixes {@code silentChance} from the path as learnt so far: for a
     * timeout, loss or an answer that late; for any other failure, loss alone (its latency says nothing of
     * lateness).
     */
    FailureStreak plus(ProbeEvidence e, PathStats path, Duration latency) {
        if (e == ProbeEvidence.IMMEDIATE) {
            return new FailureStreak(silent, immediate + 1, silentChance);
        }
        double chance =
                silent > 0 ? silentChance : e == ProbeEvidence.SILENT ? path.silentChance(latency) : path.lossRate();
        return new FailureStreak(silent + 1, immediate, chance);
    }
}
