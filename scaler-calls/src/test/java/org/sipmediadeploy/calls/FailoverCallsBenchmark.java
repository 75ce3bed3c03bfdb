package org.sipmediadeploy.calls;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Calls through the floating IP while the active member fails (bench/calls/README.md). A caller places a new call
 * every 100 ms (held 300 ms) through the floating IP to six SIPp gateways on two hosts; 2.5 s in, the active member
 * fails and the floating IP is moved to the standby at that same instant. Per fault: fault → first call answered
 * by a gateway, calls that reached a gateway already in a call, established calls whose BYE never reached their
 * gateway, and calls that failed — with the role's replicated configuration and with kamailio_dmq_enabled: false.
 */
@Tag("bench")
class FailoverCallsBenchmark {
    private static final int BLOCK = 40;
    private static final int GATEWAYS = 6;
    private static final int CALLS = 60;
    private static final int PER_SECOND = 10;
    private static final Duration HOLD = Duration.ofMillis(300);
    private static final long FAULT_AFTER_MS = 2500;
    private static final List<String> FAULTS = List.of("kill", "freeze", "node-lost", "link-cut");

    /** One run's figures; firstAnswerSeconds is negative when no call was answered after the fault. */
    record Run(double firstAnswerSeconds, int busyGatewayCalls, int lostByes, int failedCalls, int calls) {}

    @Test
    void failoverCalls() throws Exception {
        int runs = Integer.getInteger("calls.bench.runs", 5);
        Path out = Path.of(System.getProperty("calls.results", "../bench/results"));
        String name = System.getProperty("calls.bench.name", "failover-calls");
        Path replicated;
        Path unreplicated;
        replicated = CallLab.rendered("render-bench", BLOCK, 2, "kamailio_log_level: 1\n");
        unreplicated = CallLab.rendered(
                "render-bench-unreplicated", BLOCK, 2, "kamailio_log_level: 1\nkamailio_dmq_enabled: false\n");
        long started = System.nanoTime();
        Map<String, List<Run>> cells = new LinkedHashMap<>();
        for (int i = 0; i < runs; i++) {
            for (String fault : FAULTS) {
                cells.computeIfAbsent(fault, f -> new ArrayList<>()).add(run(replicated, fault, true));
                cells.computeIfAbsent("unreplicated " + fault, f -> new ArrayList<>())
                        .add(run(unreplicated, fault, false));
            }
        }
        long wall = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        write(out, name, runs, wall, cells);
        for (String fault : FAULTS) {
            for (Run r : cells.get(fault)) {
                assertEquals(0, r.busyGatewayCalls(), fault + ": a call reached a busy gateway");
                assertEquals(0, r.lostByes(), fault + ": a BYE was lost");
                assertTrue(r.firstAnswerSeconds() >= 0, fault + ": no call answered after the fault");
            }
        }
    }

    private Run run(Path config, String fault, boolean replicated) {
        try (CallLab lab = CallLab.open("bench-" + fault, BLOCK).use(config)) {
            KamailioMember active = lab.startMember(1);
            KamailioMember standby = lab.startMember(2);
            await().atMost(Duration.ofSeconds(20)).until(() -> active.ready() && standby.ready());
            FloatingIp fip = lab.floatingIp(active.ip());
            List<SippGateway> gateways = new ArrayList<>();
            for (int i = 0; i < GATEWAYS; i++) {
                // At the active member's own address: Neutron's floating IP keeps the gateway's source address.
                gateways.add(lab.registeredGateway(active.ip(), "h" + (i % 2 + 1), i / 2, i + 1));
            }
            if (replicated) {
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    String ul = standby.rpc("ul.dump", "brief");
                    return gateways.stream().allMatch(g -> ul.contains(g.name()));
                });
            }
            Path messages = lab.dir().resolve("caller.messages");
            CallLab.Started caller = lab.callStream(lab.floatingIp(), CALLS, PER_SECOND, HOLD, 1, messages);
            // The scenario's fault instant, 2.5 s into the calls (a schedule, not a wait for a condition).
            await().pollDelay(Duration.ofMillis(FAULT_AFTER_MS))
                    .atMost(Duration.ofMillis(FAULT_AFTER_MS + 1000))
                    .until(() -> true);
            double faultAt = System.currentTimeMillis();
            switch (fault) {
                case "kill" -> active.kill();
                case "freeze" -> active.freeze();
                case "node-lost" -> {
                    active.freeze();
                    fip.cut();
                }
                case "link-cut" -> fip.cut();
                default -> throw new AssertionError(fault);
            }
            fip.moveTo(standby.ip());
            caller.waitFor(Duration.ofSeconds(CALLS / PER_SECOND + 60));
            return analyze(SipTrace.read(messages), gateways, faultAt);
        }
    }

    private static Run analyze(List<SipTrace.Message> caller, List<SippGateway> gateways, double faultAt) {
        Map<String, Double> invitedAt = new LinkedHashMap<>();
        Set<String> answered = new HashSet<>();
        double first = -1;
        for (SipTrace.Message m : caller) {
            if (!m.received() && m.isRequest("INVITE")) {
                invitedAt.putIfAbsent(m.callId(), m.epochMillis());
            } else if (m.received()
                    && m.status() == 200
                    && m.cseqMethod().equals("INVITE")
                    && answered.add(m.callId())) {
                // Only a call placed at or after the fault counts: one set up before may still complete.
                Double placed = invitedAt.get(m.callId());
                if (placed != null && placed >= faultAt && first < 0) {
                    first = (m.epochMillis() - faultAt) / 1000.0;
                }
            }
        }
        Set<String> invited = invitedAt.keySet();
        Set<String> byes = new HashSet<>();
        int busy = 0;
        for (SippGateway gw : gateways) {
            byes.addAll(gw.byes());
            busy += gw.invitesWhileBusy();
        }
        int lost = 0;
        for (String id : answered) {
            if (!byes.contains(id)) {
                lost++;
            }
        }
        return new Run(first, busy, lost, invited.size() - answered.size(), invited.size());
    }

    private static void write(Path dir, String name, int runs, long wallSeconds, Map<String, List<Run>> cells)
            throws IOException {
        String commit = git();
        String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        StringBuilder json = new StringBuilder("[\n");
        StringBuilder md = new StringBuilder("# Failover with calls\n\n"
                + "Generated by `FailoverCallsBenchmark` (bench/calls/README.md) on " + date + " (commit " + commit
                + "), "
                + runs + " runs per cell, " + wallSeconds + " s wall. A SIPp caller places a new call every 100 ms "
                + "(held 300 ms) through the floating IP to six SIPp gateways on two hosts, registered at the active "
                + "member; 2.5 s in, the active member fails and **the floating IP is moved to the standby at that "
                + "same instant** (the scaler's detection and move, measured by bench/failover-side-by-side, is not "
                + "included here). Faults: kill = SIGKILL to the member's process group; freeze = SIGSTOP; "
                + "node-lost = SIGSTOP and its floating-IP path dropped; link-cut = its floating-IP path dropped, the "
                + "member still running. `unreplicated` = the same pair rendered with `kamailio_dmq_enabled: false`.\n\n"
                + "The first answered call is the first 200 to an INVITE placed at or after the fault.\n\n"
                + "| cell | runs | first answered call after the fault p50 / p95 / p99 / max (s) | runs without one | "
                + "calls to a busy gateway | lost BYEs | failed calls / placed |\n|---|---|---|---|---|---|---|\n");
        boolean firstEntry = true;
        for (Map.Entry<String, List<Run>> cell : cells.entrySet()) {
            List<Run> rs = cell.getValue();
            List<Double> answers = new ArrayList<>();
            int without = 0;
            int busy = 0;
            int lost = 0;
            int failed = 0;
            int placed = 0;
            for (Run r : rs) {
                if (r.firstAnswerSeconds() >= 0) {
                    answers.add(r.firstAnswerSeconds());
                } else {
                    without++;
                }
                busy += r.busyGatewayCalls();
                lost += r.lostByes();
                failed += r.failedCalls();
                placed += r.calls();
            }
            String key = cell.getKey();
            boolean repl = !key.startsWith("unreplicated");
            List<String> entries = new ArrayList<>();
            if (!answers.isEmpty()) {
                entries.add(entry(
                        key + " fault->first-answered-call",
                        "s",
                        answers.size(),
                        answers,
                        repl ? 1.5 : null,
                        commit,
                        date));
            }
            entries.add(entry(
                    key + " calls-to-busy-gateway",
                    "calls",
                    rs.size(),
                    perRun(rs, Run::busyGatewayCalls),
                    repl ? 0.0 : null,
                    commit,
                    date));
            entries.add(entry(
                    key + " lost-bye", "calls", rs.size(), perRun(rs, Run::lostByes), repl ? 0.0 : null, commit, date));
            entries.add(
                    entry(key + " failed-calls", "calls", rs.size(), perRun(rs, Run::failedCalls), null, commit, date));
            for (String e : entries) {
                json.append(firstEntry ? "" : ",\n").append(e);
                firstEntry = false;
            }
            md.append("| ")
                    .append(key)
                    .append(" | ")
                    .append(rs.size())
                    .append(" | ")
                    .append(
                            answers.isEmpty()
                                    ? "none"
                                    : String.format(
                                            Locale.ROOT,
                                            "%.3f / %.3f / %.3f / %.3f",
                                            pct(answers, 50),
                                            pct(answers, 95),
                                            pct(answers, 99),
                                            pct(answers, 100)))
                    .append(" | ")
                    .append(without)
                    .append(" | ")
                    .append(busy)
                    .append(" | ")
                    .append(lost)
                    .append(" | ")
                    .append(failed)
                    .append(" / ")
                    .append(placed)
                    .append(" |\n");
        }
        json.append("\n]\n");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name + ".json"), json.toString());
        Files.writeString(dir.resolve(name + ".md"), md.toString());
    }

    private static List<Double> perRun(List<Run> runs, java.util.function.ToIntFunction<Run> f) {
        List<Double> out = new ArrayList<>();
        for (Run r : runs) {
            out.add((double) f.applyAsInt(r));
        }
        return out;
    }

    private static String entry(
            String name, String unit, int runs, List<Double> values, Double target, String commit, String date) {
        return String.format(
                Locale.ROOT,
                "  {\"name\": \"%s\", \"unit\": \"%s\", \"runs\": %d, \"p50\": %.4f, "
                        + "\"p95\": %.4f, \"p99\": %.4f, \"max\": %.4f, \"target\": %s, \"commit\": \"%s\", \"date\": \"%s\"}",
                name,
                unit,
                runs,
                pct(values, 50),
                pct(values, 95),
                pct(values, 99),
                pct(values, 100),
                target == null ? "null" : target.toString(),
                commit,
                date);
    }

    /** Nearest-rank percentile. */
    private static double pct(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    private static String git() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD")
                    .redirectErrorStream(true)
                    .start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? s : "unknown";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
