package org.sipmediadeploy.daemon.config;

import com.typesafe.config.Config;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.config.ServerTemplate;
import org.sipmediadeploy.core.config.SpareSchedule;
import org.sipmediadeploy.core.config.SpareWindow;
import org.sipmediadeploy.core.config.StatusEndpoint;
import org.sipmediadeploy.core.model.PoolMode;

/** Reads one {@code scaler.pools.<name>} block (over {@code pool-defaults}), its spare schedule included. */
final class PoolSection {
    private PoolSection() {}

    static PoolConfig read(KeyReader r, String name, Config p) {
        String at = "pools." + name + ".";
        int before = r.problemCount();
        ServerTemplate server = ServerTemplates.read(r, p, "", "user-data-template", at);
        int capacity = r.intIn(p, "capacity-per-host", 1, 1000, at);
        int min = r.intIn(p, "min-hosts", 0, 10000, at);
        int max = r.intIn(p, "max-hosts", 0, 10000, at);
        if (min > max) {
            r.problem(at + "min-hosts", min + " is above max-hosts " + max);
        }
        SpareSchedule spare = schedule(r, p, at);
        StatusEndpoint status = new StatusEndpoint(
                r.port(p, "status.port", at),
                r.str(p, "status.path", at),
                r.required(p, "status.idle-key", at),
                r.required(p, "status.terminate-key", at),
                r.duration(p, "status.interval", Duration.ofMillis(100), at),
                r.duration(p, "status.timeout", Duration.ofMillis(10), at));
        if (!status.path().startsWith("/")) {
            r.problem(at + "status.path", "must start with '/', got '" + status.path() + "'");
        }
        Duration eval = r.duration(p, "evaluation-period", Duration.ofMillis(100), at);
        Duration boot = r.duration(p, "boot-timeout", Duration.ofSeconds(1), at);
        Duration scaleIn = r.duration(p, "scale-in-after", Duration.ZERO, at);
        Duration protect = r.duration(p, "protect-new", Duration.ZERO, at);
        Duration grace = r.duration(p, "unknown-grace", Duration.ZERO, at);
        Duration bBase = r.duration(p, "backoff-base", Duration.ofMillis(1), at);
        Duration bMax = r.duration(p, "backoff-max", Duration.ofMillis(1), at);
        if (bBase != null && bMax != null && bMax.compareTo(bBase) < 0) {
            r.problem(at + "backoff-max", "must be at least backoff-base (" + bBase + ")");
        }
        String mode = r.oneOf(p, "mode", Set.of("auto", "paused", "dry-run"), at);
        if (r.problemCount() > before) {
            return null;
        }
        return new PoolConfig(
                name,
                server,
                capacity,
                min,
                max,
                spare,
                status,
                eval,
                boot,
                scaleIn,
                protect,
                grace,
                bBase,
                bMax,
                PoolMode.valueOf(mode.toUpperCase(java.util.Locale.ROOT).replace('-', '_')));
    }

    private static SpareSchedule schedule(KeyReader r, Config p, String at) {
        int dflt = r.intIn(p, "spare.default", 0, 100000, at);
        String zoneName = r.str(p, "spare.time-zone", at);
        ZoneId zone = ZoneId.of("UTC");
        try {
            zone = ZoneId.of(zoneName);
        } catch (RuntimeException e) {
            r.problem(at + "spare.time-zone", "unknown time zone '" + zoneName + "'");
        }
        List<SpareWindow> windows = new ArrayList<>();
        List<? extends Config> list = r.attempt(
                at + "spare.schedule",
                () -> p.getConfigList("spare.schedule"),
                "a list of { days, from, to, spare } objects");
        if (list != null) {
            for (int i = 0; i < list.size(); i++) {
                Config w = list.get(i);
                String wat = at + "spare.schedule[" + i + "].";
                for (String k : w.root().keySet()) {
                    if (!Set.of("days", "from", "to", "spare").contains(k)) {
                        r.problem(wat + k, "unknown key");
                    }
                }
                Set<DayOfWeek> days = days(r, w.hasPath("days") ? w.getString("days") : "all", wat + "days");
                LocalTime from = time(r, w, "from", wat);
                LocalTime to = time(r, w, "to", wat);
                int spare = r.intIn(w, "spare", 0, 100000, wat);
                if (from != null && to != null && !from.isBefore(to)) {
                    r.problem(wat + "to", to + " must be after from " + from);
                } else if (days != null && from != null && to != null && spare >= 0) {
                    windows.add(new SpareWindow(days, from, to, spare));
                }
            }
        }
        return new SpareSchedule(Math.max(dflt, 0), windows, zone);
    }

    private static LocalTime time(KeyReader r, Config w, String key, String at) {
        if (!w.hasPath(key)) {
            r.problem(at + key, "required (HH:MM)");
            return null;
        }
        String s = w.getString(key);
        try {
            return s.equals("24:00") ? LocalTime.MAX : LocalTime.parse(s);
        } catch (DateTimeParseException e) {
            r.problem(at + key, "expected HH:MM, got '" + s + "'");
            return null;
        }
    }

    // Kept: the accepted day syntax stays as it was (a trailing "," or "-" is tolerated).
    @SuppressWarnings("StringSplitter")
    private static Set<DayOfWeek> days(KeyReader r, String spec, String at) {
        List<DayOfWeek> order = List.of(DayOfWeek.values());
        Set<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("all") || s.equals("*")) {
            return EnumSet.allOf(DayOfWeek.class);
        }
        for (String part : s.split(",")) {
            String[] range = part.trim().split("-");
            DayOfWeek a = day(r, range[0], at);
            DayOfWeek b = range.length > 1 ? day(r, range[1], at) : a;
            if (a == null || b == null) {
                return null;
            }
            for (int i = order.indexOf(a); ; i = (i + 1) % 7) {
                out.add(order.get(i));
                if (order.get(i) == b) {
                    break;
                }
            }
        }
        return out;
    }

    private static DayOfWeek day(KeyReader r, String s, String at) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().toLowerCase(Locale.ROOT).startsWith(s.trim())
                    && s.trim().length() >= 3) {
                return d;
            }
        }
        r.problem(at, "unknown day '" + s.trim() + "' (use mon..sun, ranges like mon-fri)");
        return null;
    }
}
