package org.sipmediadeploy.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A scaler VM: its cloud-init user data's files are written under the server's root directory and a real scaler
 * daemon is started with the written {@code scaler.conf}, as the VM's systemd would. The process runs under
 * {@code setsid} and is recorded in the {@link ProcessRegistry}, so it is stopped by PID (group) on kill, delete,
 * shut-off and sandbox close, and swept if the sandbox's JVM dies. It binds the server's fixed address itself
 * (Raft) and gets {@code SCALER_ADMIN_BIND} = that address: VMs have a loopback each, these processes share one.
 */
final class ScalerVmInstance implements Instance {
    private static final Logger LOG = LoggerFactory.getLogger(ScalerVmInstance.class);

    private final Path root;
    private final List<String> command;
    private final String fixedAddress;
    private Process process;
    private volatile boolean frozen;

    private ScalerVmInstance(Path root, List<String> command, String fixedAddress) {
        this.root = root;
        this.command = List.copyOf(command);
        this.fixedAddress = fixedAddress;
    }

    /** Interprets the user data into {@code dir/root}; fails (the server goes to ERROR) when it holds no config. */
    static ScalerVmInstance create(Path dir, SandboxConfig.ScalerVm vm, String userDataBase64, String fixedAddress) {
        try {
            Path root = dir.resolve("root");
            CloudInit.writeFiles(CloudInit.decode(userDataBase64), root);
            Path config = root.resolve(vm.configPath().substring(1));
            if (!Files.isRegularFile(config)) {
                throw new IllegalArgumentException("the user data writes no " + vm.configPath());
            }
            List<String> cmd = new ArrayList<>();
            cmd.add("setsid");
            cmd.addAll(vm.command());
            cmd.add("--config");
            cmd.add(config.toString());
            return new ScalerVmInstance(root, cmd, fixedAddress);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the user data's files", e);
        }
    }

    Path root() {
        return root;
    }

    @Override
    public String kind() {
        return "scaler";
    }

    @Override
    public List<SandboxConfig.PortSpec> ports() {
        return List.of(); // it binds the fixed address itself: no NIC forwarding
    }

    @Override
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("scaler.out").toFile()));
            pb.environment().put("SCALER_ADMIN_BIND", fixedAddress);
            process = pb.start();
            frozen = false;
            ProcessRegistry.register(process.pid());
            LOG.info("started scaler VM process pid {} in {}", process.pid(), root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the scaler daemon", e);
        }
    }

    @Override
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        signalGroup("KILL");
        awaitExit(5000);
        ProcessRegistry.unregister(process.pid());
        frozen = false;
    }

    @Override
    public synchronized void freeze() {
        if (process != null && process.isAlive()) {
            signalGroup("STOP");
            frozen = true;
        }
    }

    @Override
    public synchronized void resume() {
        if (process != null && process.isAlive()) {
            signalGroup("CONT");
        }
        frozen = false;
    }

    @Override
    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    @Override
    public boolean frozen() {
        return frozen;
    }

    @Override
    public synchronized OptionalLong pid() {
        return process == null ? OptionalLong.empty() : OptionalLong.of(process.pid());
    }

    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        if (process.isAlive()) {
            if (frozen) {
                signalGroup("CONT");
            }
            signalGroup("TERM"); // a leader hands over before it stops
            if (!awaitExit(10_000)) {
                LOG.warn("scaler VM pid {} ignored SIGTERM, killing its group", process.pid());
            }
        }
        signalGroup("KILL");
        awaitExit(3000);
        ProcessRegistry.unregister(process.pid());
        frozen = false;
    }

    private boolean awaitExit(long millis) {
        try {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void signalGroup(String signal) {
        long pid = process.pid();
        try {
            Process k = new ProcessBuilder("kill", "-" + signal, "--", "-" + pid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!k.waitFor(2, TimeUnit.SECONDS)) {
                k.destroyForcibly();
            }
        } catch (IOException e) {
            LOG.warn("kill -{} -{} failed: {}", signal, pid, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
