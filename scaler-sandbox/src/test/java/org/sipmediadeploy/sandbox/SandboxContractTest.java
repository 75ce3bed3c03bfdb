package org.sipmediadeploy.sandbox;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.sipmediadeploy.core.model.Secret;
import org.sipmediadeploy.openstack.CloudContract;
import org.sipmediadeploy.openstack.OpenStackSettings;

/**
 * The scaler-openstack contract suite (the same cases the real OpenStack passes), run with the real adapter
 * against the sandbox. Instances are built-in responders here: the suite is about the API.
 */
class SandboxContractTest extends CloudContract {
    private static Sandbox sandbox;

    @BeforeAll
    static void startSandbox() {
        sandbox = Sandbox.start(SandboxConfig.defaults().toBuilder()
                .addressBlock(31)
                .processes(SandboxConfig.Processes.BUILTIN)
                .bootDelay(Duration.ofMillis(300))
                .build());
    }

    @AfterAll
    static void stopSandbox() {
        sandbox.close();
    }

    private static OpenStackSettings settings() {
        SandboxConfig.User u = sandbox.config().users().get(0);
        return OpenStackSettings.of(
                URI.create(sandbox.keystoneUrl()),
                new OpenStackSettings.Password(
                        u.name(), Secret.of(u.password().reveal()), "Default", u.project(), "Default"),
                sandbox.config().region());
    }

    @Override
    protected Target target() {
        return new Target(settings(), "fake-image", "m1.tiny", "tenant-net", "ext-net");
    }

    /** Nova answers the next create with its 403 "Quota exceeded for instances". */
    @Override
    protected Target exhaustQuota() {
        sandbox.apiFaults().add(ApiFault.once("server.create", ApiFault.Kind.QUOTA));
        return target();
    }

    @Override
    protected void restoreQuota() {
        sandbox.apiFaults().clear();
    }

    @Override
    protected Duration activeTimeout() {
        return Duration.ofSeconds(20);
    }
}
