package org.sipmediadeploy.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipmediadeploy.sandbox.Resources.PortRec;
import org.sipmediadeploy.sandbox.Resources.ServerRec;

class InstanceLifecycleTest {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

    @TempDir
    Path workDir;

    @AfterEach
    void stop() {
        executor.shutdownNow();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private InstanceLifecycle lifecycle() {
        SandboxConfig config = SandboxConfig.defaults().toBuilder()
                .processes(SandboxConfig.Processes.BUILTIN)
                .build();
        return new InstanceLifecycle(config, group, executor, workDir);
    }

    /** A server with one port high in the sandbox's /24s, away from the addresses the sandbox tests hand out. */
    private static ServerRec server(String id, int octet, PortRec[] port) {
        ServerRec s = new ServerRec();
        s.id = id;
        s.name = "gw-" + octet;
        port[0] = new PortRec();
        port[0].fixedIp = "127.0.10." + octet;
        port[0].hostIp = "127.0.11." + octet;
        return s;
    }

    @Test
    void aServerWithoutARunningInstanceIsRefusedByItsId() {
        InstanceLifecycle life = lifecycle();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> life.instance("srv-x"));
        assertTrue(e.getMessage().contains("srv-x"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> life.nic("srv-x"));
    }

    @Test
    void aStartedInstanceRunsUntilItIsStoppedLater() {
        InstanceLifecycle life = lifecycle();
        PortRec[] port = new PortRec[1];
        ServerRec s = server("srv-1", 249, port);
        InstanceLifecycle.Node node = life.start(s, "sipmediadeploy-gateway", port[0]);
        life.running(s.id, node);
        assertEquals(List.of("srv-1"), List.copyOf(life.runningServerIds()));
        assertEquals("builtin", life.instance("srv-1").kind());
        assertTrue(life.instance("srv-1").alive());

        life.stopLater("srv-1");
        assertEquals(List.of(), List.copyOf(life.runningServerIds()));
        await().atMost(Duration.ofSeconds(20)).until(() -> !node.instance().alive());
    }

    @Test
    void stopAllStopsEveryRunningInstance() {
        InstanceLifecycle life = lifecycle();
        PortRec[] a = new PortRec[1];
        PortRec[] b = new PortRec[1];
        ServerRec sa = server("srv-a", 247, a);
        ServerRec sb = server("srv-b", 248, b);
        InstanceLifecycle.Node na = life.start(sa, "sipmediadeploy-gateway", a[0]);
        InstanceLifecycle.Node nb = life.start(sb, "sipmediadeploy-gateway", b[0]);
        life.running(sa.id, na);
        life.running(sb.id, nb);

        life.stopAll();

        assertEquals(List.of(), List.copyOf(life.runningServerIds()));
        assertFalse(na.instance().alive());
        assertFalse(nb.instance().alive());
    }
}
