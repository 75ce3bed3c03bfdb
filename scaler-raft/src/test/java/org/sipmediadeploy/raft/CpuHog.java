package org.sipmediadeploy.raft;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * One core kept busy by a shell busy-loop, for benchmarks under load: bounded by {@code timeout} (it ends by itself
 * even if the benchmark is killed) and stopped by its PID on close.
 */
final class CpuHog implements AutoCloseable {
    private final Process process;

    private CpuHog(Process process) {
        this.process = process;
    }

    static CpuHog start(long maxSeconds) throws IOException {
        Process p = new ProcessBuilder("timeout", Long.toString(maxSeconds), "sh", "-c", "while :; do :; done")
                .redirectErrorStream(true)
                .start();
        System.out.println("CPU hog started: pid " + p.pid() + ", at most " + maxSeconds + " s");
        return new CpuHog(p);
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM to timeout's PID; timeout passes it on to the loop
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.out.println("CPU hog stopped: pid " + process.pid());
    }
}
