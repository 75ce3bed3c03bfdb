package org.sipmediadeploy.sandbox;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads a sandbox runs on, all daemon threads: the API's event loop and its workers, the data plane's event
 * loops (NIC and floating-IP forwarders), the timers of injected API faults, and the lifecycle executor (boots,
 * delayed deletes, process stops).
 */
final class SandboxThreads {
    final EventLoopGroup httpGroup;
    final EventLoopGroup dataGroup;
    final ExecutorService workers;
    final ScheduledExecutorService timers;
    final ScheduledExecutorService lifecycle;

    SandboxThreads() {
        this.httpGroup = new MultiThreadIoEventLoopGroup(1, daemon("sandbox-http"), NioIoHandler.newFactory());
        this.dataGroup = new MultiThreadIoEventLoopGroup(2, daemon("sandbox-net"), NioIoHandler.newFactory());
        this.workers = Executors.newFixedThreadPool(16, daemon("sandbox-api"));
        this.timers = Executors.newScheduledThreadPool(2, daemon("sandbox-timer"));
        this.lifecycle = Executors.newScheduledThreadPool(2, daemon("sandbox-lifecycle"));
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Stops every thread; called once the HTTP front and the cloud are closed. */
    void close() {
        // Let queued stops (from deletes just before close) finish: each one stops a process.
        lifecycle.shutdown();
        try {
            if (!lifecycle.awaitTermination(15, TimeUnit.SECONDS)) {
                lifecycle.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timers.shutdownNow();
        workers.shutdownNow();
        dataGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        httpGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
