package org.sipmediadeploy.daemon.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.sipmediadeploy.daemon.admin.AdminClient;
import org.sipmediadeploy.daemon.admin.AdminClientException;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** Shared by every remote command: run, map errors to exit codes (1 failure, 3 unreachable / no leader). */
abstract class RemoteCommand implements Callable<Integer> {
    @Mixin
    Remote remote;

    @Spec
    CommandLine.Model.CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Checks the arguments before anything is sent; throws IllegalArgumentException (usage) when bad. */
    void check() {}

    AdminClient client() {
        return remote.client();
    }

    @Override
    public final Integer call() {
        AdminClient client;
        try {
            check();
            client = client();
        } catch (Remote.UsageException | IllegalArgumentException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return ScalerCtl.USAGE;
        }
        try {
            return run(client);
        } catch (AdminClientException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return e.unreachable() || e.unavailable() ? ScalerCtl.UNREACHABLE : ScalerCtl.FAILURE;
        }
    }

    abstract int run(AdminClient client);
}
