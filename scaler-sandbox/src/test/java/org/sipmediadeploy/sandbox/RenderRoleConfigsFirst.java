package org.sipmediadeploy.sandbox;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Renders the deploy kit's kamailio.cfg and turnserver.conf (RoleConfig, cached per machine) before the first test
 * of this module: the first render takes seconds of ansible-playbook, which would otherwise land inside the boot
 * wait of whichever test first creates a Kamailio or Coturn server. Nothing happens where the roles or binaries
 * are missing (the sandbox then logs its fallback).
 */
public final class RenderRoleConfigsFirst implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        SandboxConfig defaults = SandboxConfig.defaults();
        RoleConfig.locateRepo().ifPresent(repo -> {
            if (ProcessInstance.kamailioInstalled()) {
                RoleConfig.kamailio(repo).config();
            }
            if (ProcessInstance.turnserverInstalled()) {
                RoleConfig.coturn(
                                repo,
                                defaults.turnUser(),
                                defaults.turnPassword().reveal(),
                                defaults.turnRealm())
                        .config();
            }
        });
    }
}
