package org.sipmediadeploy.sandbox;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's history: every state-changing API call, lifecycle step and injected fault, in order, in memory
 * and (when a file is given) as JSON lines flushed one by one, so a checker can read it while the sandbox runs.
 */
public final class EventLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);

    private final Clock clock;
    private final List<SandboxEvent> events = new ArrayList<>();
    private final BufferedWriter writer;
    private long seq;

    EventLog(Clock clock, Path file) {
        this.clock = clock;
        BufferedWriter w = null;
        if (file != null) {
            try {
                if (file.getParent() != null) {
                    Files.createDirectories(file.getParent());
                }
                w = Files.newBufferedWriter(
                        file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new IllegalStateException("cannot open event log " + file, e);
            }
        }
        this.writer = w;
    }

    SandboxEvent record(
            String kind, Caller caller, String target, int status, String result, Map<String, String> details) {
        SandboxEvent e;
        synchronized (this) {
            e = new SandboxEvent(
                    ++seq,
                    clock.instant(),
                    kind,
                    caller == null ? null : caller.userName(),
                    caller == null ? null : caller.auditId(),
                    target,
                    status,
                    result,
                    details);
            events.add(e);
            if (writer != null) {
                try {
                    writer.write(toJson(e));
                    writer.newLine();
                    writer.flush();
                } catch (IOException ex) {
                    LOG.warn("event log write failed: {}", ex.toString());
                }
            }
        }
        LOG.debug("event {} {} {} {}", kind, target, status, result);
        return e;
    }

    static String toJson(SandboxEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", e.seq());
        m.put("time", e.time().toString());
        m.put("kind", e.kind());
        m.put("user", e.user());
        m.put("audit", e.audit());
        m.put("target", e.target());
        m.put("status", e.status());
        m.put("result", e.result());
        m.put("details", e.details());
        return Json.string(m);
    }

    /** A copy of all events so far, in order. */
    public synchronized List<SandboxEvent> events() {
        return List.copyOf(events);
    }

    public synchronized List<SandboxEvent> events(Predicate<SandboxEvent> filter) {
        return events.stream().filter(filter).toList();
    }

    public List<SandboxEvent> ofKind(String kind) {
        return events(e -> e.kind().equals(kind));
    }

    @Override
    public synchronized void close() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                LOG.warn("event log close failed: {}", e.toString());
            }
        }
    }
}
