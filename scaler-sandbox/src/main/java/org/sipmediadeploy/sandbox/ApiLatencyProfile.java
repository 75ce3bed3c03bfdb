package org.sipmediadeploy.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The API latency of a real cloud, as LATENCY fault rules, so that a floating-IP move through the sandbox takes as
 * long as it does against that cloud. A move by the adapter is a GET of the floating IP then a conditional PUT;
 * every PUT gets {@code fipUpdate} and, with probability {@code tailRate}, {@code fipUpdateTail} more (the slow
 * tail); a token request gets {@code tokenCreate}. Arm with {@link #arm(ApiFaults)} (or the same rules over
 * {@code POST /control/faults}); {@link ApiFaults#clear()} disarms.
 */
public record ApiLatencyProfile(
        String name,
        Duration fipGet,
        Duration fipUpdate,
        Duration fipUpdateTail,
        double tailRate,
        Duration tokenCreate) {

    /**
     * Calibrated from bench/results/neutron-fip-move.json (the real Neutron of the project's test OpenStack, through
     * {@code OpenStackCloud.move}): GET = the observer's GET p50; PUT = the move's p50 without a token renewal minus
     * that GET; tail = the move's p99 minus its p50, on 2 % of the PUTs (so it sets the p99, not the p95); token =
     * the p50 of moves that renewed the token minus the p50 of those that did not. That cloud ran on the project's
     * 2-CPU machine with nothing else running (load average 1–2 in neutron-fip-move.md); under heavy load the same
     * cloud answered about 15 times slower. Re-calibrate with {@link #fromMeasured} after a new run.
     */
    public static final ApiLatencyProfile REAL_NEUTRON = fromMeasured("real-neutron", 32.7, 936.5, 1307.7, 1296.8);

    public ApiLatencyProfile {
        Objects.requireNonNull(name, "name");
        for (Duration d : new Duration[] {fipGet, fipUpdate, fipUpdateTail, tokenCreate}) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("latencies of profile " + name + " must be >= 0: " + d);
            }
        }
        if (tailRate < 0 || tailRate > 1) {
            throw new IllegalArgumentException("tailRate must be in [0, 1]: " + tailRate);
        }
    }

    /**
     * A profile from a move benchmark's figures, in milliseconds: the observer GET p50, the move p50 and p99 on a
     * valid token, and the move p50 when the token was renewed first (0: not measured).
     */
    public static ApiLatencyProfile fromMeasured(
            String name, double getP50, double moveP50, double moveP99, double moveWithTokenP50) {
        double put = Math.max(0, moveP50 - getP50);
        double tail = Math.max(0, moveP99 - moveP50);
        double token = moveWithTokenP50 <= 0 ? 0 : Math.max(0, moveWithTokenP50 - moveP50);
        return new ApiLatencyProfile(name, ms(getP50), ms(put), ms(tail), 0.02, ms(token));
    }

    /** The rules that make up the profile. */
    public List<ApiFault> rules() {
        return List.of(
                ApiFault.latency("floatingip.get", fipGet),
                ApiFault.latency("floatingip.update", fipUpdate),
                new ApiFault("floatingip.update", ApiFault.Kind.LATENCY, tailRate, -1, fipUpdateTail, 0),
                ApiFault.latency("token.create", tokenCreate));
    }

    /** Arms the profile's rules on {@code faults} (they add to rules already armed). */
    public void arm(ApiFaults faults) {
        rules().forEach(faults::add);
    }

    private static Duration ms(double v) {
        return Duration.ofNanos(Math.round(v * 1e6));
    }
}
