package org.sipmediadeploy.probes;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * ice4j logs through java.util.logging; route it to SLF4J once per JVM. With logback, add a
 * {@code LevelChangePropagator} so that JUL does not format records SLF4J would drop.
 */
final class JulBridge {
    private JulBridge() {}

    static synchronized void install() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
