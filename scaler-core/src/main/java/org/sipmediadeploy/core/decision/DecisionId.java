package org.sipmediadeploy.core.decision;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A decision's id, {@code d<term>-<seq>-<node>}: a term has one leader and the node that proposes names itself, so
 * ids never collide, and a node taking over again within its term continues after its own highest {@code seq}.
 * The simulator and policy tests have no node: their ids are {@code d<term>-<seq>} ({@code node} empty).
 */
public record DecisionId(long term, long seq, String node) {
    private static final Pattern FORMAT = Pattern.compile("d(\\d{1,18})-(\\d{1,18})(?:-(.+))?");

    public DecisionId {
        Objects.requireNonNull(node, "node");
        if (term < 0 || seq < 0) {
            throw new IllegalArgumentException("term and seq must not be negative: " + term + ", " + seq);
        }
    }

    /** The id as it is written in the log and in server metadata. */
    public String format() {
        return "d" + term + "-" + seq + (node.isEmpty() ? "" : "-" + node);
    }

    /** Whether a node proposed it (the control loop does; the simulator does not). */
    public boolean hasNode() {
        return !node.isEmpty();
    }

    /** The id {@code text} spells, or empty when it is not a decision id (an operator's or the deployment's). */
    public static Optional<DecisionId> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        String node = m.group(3) == null ? "" : m.group(3);
        return Optional.of(new DecisionId(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), node));
    }

    @Override
    public String toString() {
        return format();
    }
}
