package org.sipmediadeploy.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record, one file per process group, of the processes sandboxes started: the group's PID, the JVM that owns
 * it and the process's start time (so a reused PID is never mistaken for ours). A JVM killed with SIGKILL runs
 * no shutdown hook; the next sandbox to start removes the Kamailio / turnserver groups it left behind (they would
 * hold their addresses and ports) — by the PIDs recorded here, never by name.
 */
final class ProcessRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessRegistry.class);
    static final Path DIR = Path.of(System.getProperty("java.io.tmpdir"), "scaler-sandbox-processes");

    private ProcessRegistry() {}

    static void register(long pid) {
        OptionalLong start = startTime(pid);
        if (start.isEmpty()) {
            return;
        }
        try {
            Files.createDirectories(DIR);
            Files.writeString(
                    DIR.resolve(Long.toString(pid)), ProcessHandle.current().pid() + " " + start.getAsLong() + "\n");
        } catch (IOException e) {
            LOG.warn("cannot record process {}: {}", pid, e.toString());
        }
    }

    static void unregister(long pid) {
        try {
            Files.deleteIfExists(DIR.resolve(Long.toString(pid)));
        } catch (IOException e) {
            LOG.debug("cannot remove record of {}: {}", pid, e.toString());
        }
    }

    /** Kills the groups recorded by JVMs that are gone; returns how many were killed. */
    static int sweepOrphans() {
        if (!Files.isDirectory(DIR)) {
            return 0;
        }
        int killed = 0;
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                try {
                    long pid = Long.parseLong(f.getFileName().toString());
                    @SuppressWarnings("StringSplitter") // our own "owner start" record: leading fields only
                    String[] rec = Files.readString(f).trim().split(" ");
                    long owner = Long.parseLong(rec[0]);
                    long start = Long.parseLong(rec[1]);
                    if (ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
                        continue; // a live sandbox owns it
                    }
                    if (startTime(pid).equals(OptionalLong.of(start))) {
                        LOG.warn("killing process group {} left behind by dead JVM {}", pid, owner);
                        Process k = new ProcessBuilder(List.of("kill", "-KILL", "--", "-" + pid))
                                .redirectErrorStream(true)
                                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                                .start();
                        k.waitFor(2, TimeUnit.SECONDS);
                        killed++;
                    }
                    Files.deleteIfExists(f);
                } catch (IOException | RuntimeException e) {
                    LOG.debug("skipping {}: {}", f, e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return killed;
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot list {}: {}", DIR, e.toString());
        }
        return killed;
    }

    /** Field 22 of /proc/PID/stat: the start time in clock ticks since boot. */
    static OptionalLong startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            @SuppressWarnings("StringSplitter") // /proc stat fields are never empty; a leading one is read
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return OptionalLong.of(Long.parseLong(f[19]));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
