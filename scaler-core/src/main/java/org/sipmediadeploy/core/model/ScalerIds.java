package org.sipmediadeploy.core.model;

import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ids of new scaler nodes: {@code scaler-1, scaler-2, scaler-3} are followed by {@code scaler-4} (the prefix of
 * the dead node, the next ordinal never given out before). An id without a numeric suffix gets one.
 */
public final class ScalerIds {
    private static final Pattern NUMBERED = Pattern.compile("^(.*?)-?(\\d+)$");

    private ScalerIds() {}

    /** The numeric suffix of {@code id}, 0 when it has none. */
    public static int ordinal(String id) {
        Matcher m = NUMBERED.matcher(id);
        if (!m.matches()) {
            return 0;
        }
        try {
            return Integer.parseInt(m.group(2));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public static int highestOrdinal(Collection<String> ids) {
        int max = 0;
        for (String id : ids) {
            max = Math.max(max, ordinal(id));
        }
        return max;
    }

    /** The id of the node that replaces {@code deadId}, given the highest ordinal ever used. */
    public static String next(String deadId, int highestOrdinal) {
        Matcher m = NUMBERED.matcher(deadId);
        String prefix = m.matches() ? deadId.substring(0, m.start(2)) : deadId + "-";
        if (prefix.isEmpty()) {
            prefix = "scaler-";
        }
        return prefix + (highestOrdinal + 1);
    }
}
