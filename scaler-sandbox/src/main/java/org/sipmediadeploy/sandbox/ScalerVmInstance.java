package org.sipmediadeploy.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A scaler VM: its cloud-init user data's files are written under the server's root directory and a real scaler
 * daemon is started with the written {@code scaler.conf}, as the VM's systemd would. The process runs under
 * {@code setsid} and is recorded in the {@link ProcessRegistry}, so it is stopped by PID (group) on kill, delete,
 * shut-off and sandbox close, and swept if the sandbox's JVM dies. It binds the server's fixed address itself
 * (Raft) and gets {@code SCALER_ADMIN_BIND} = that address: VMs have a loopback each, these processes share one.
 */
final class ScalerVmInstance extends ProcessGroupInstance {

    private final Path root;
    private final List<String> command;
    private final String fixedAddress;

    private ScalerVmInstance(Path root, List<String> command, String fixedAddress) {
        super(10_000, 5000); // a leader hands over on SIGTERM before it stops
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
    ProcessBuilder processBuilder() {
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        root.resolve("scaler.out").toFile()));
        pb.environment().put("SCALER_ADMIN_BIND", fixedAddress);
        return pb;
    }
}
