package org.sipmediadeploy.daemon.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The unknown-key check: every key the user wrote must exist in {@code reference.conf}; a pair's or pool's keys are
 * checked against {@code pair-defaults} / {@code pool-defaults}.
 */
final class UnknownKeys {
    private static final String ROOT = KeyReader.ROOT;

    private UnknownKeys() {}

    static void check(KeyReader r, Config user, Config reference) {
        if (!user.hasPath(ROOT)) {
            r.problemOutsideRoot(ROOT + ": missing (the configuration must have a top-level 'scaler' block)");
            return;
        }
        for (String top : user.root().keySet()) {
            if (!top.equals(ROOT)) {
                r.problemOutsideRoot(top + ": unknown key (everything goes under 'scaler')");
            }
        }
        Config u = user.getConfig(ROOT);
        Config ref = reference.getConfig(ROOT);
        Set<String> known = paths(ref);
        for (Map.Entry<String, ConfigValue> e : u.entrySet()) {
            String p = e.getKey();
            if (p.startsWith("pairs.") || p.startsWith("pools.")) {
                String[] parts = p.split("\\.", 3);
                if (parts.length < 3) {
                    r.problem(p, "must be an object");
                    continue;
                }
                String rest = parts[2];
                Set<String> allowed = p.startsWith("pairs.") ? pairKeys(ref) : paths(ref.getConfig("pool-defaults"));
                if (!allowed.contains(rest) && !isUnder(rest, allowed)) {
                    r.problem(p, "unknown key");
                }
            } else if (!known.contains(p) && !isUnder(p, known)) {
                r.problem(p, "unknown key");
            }
        }
    }

    private static boolean isUnder(String p, Set<String> known) {
        // list-valued keys (peers, schedule) hold objects whose inner keys are checked by the field readers
        for (String k : known) {
            if (p.startsWith(k + ".")) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> pairKeys(Config ref) {
        Set<String> s = paths(ref.getConfig("pair-defaults"));
        s.add("floating-ip");
        s.add("members");
        return s;
    }

    private static Set<String> paths(Config c) {
        Set<String> s = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
            s.add(e.getKey());
        }
        return s;
    }
}
