package org.sipmediadeploy.daemon;

/**
 * The version this process runs, as {@code /v1/status} and the start log report it (an operator checks a rolling
 * upgrade with it): the {@code scaler.version} system property when set (packaging or a test naming its build),
 * else the jar manifest's Implementation-Version, else "dev".
 */
public final class BuildInfo {
    private BuildInfo() {}

    public static String version() {
        String v = System.getProperty("scaler.version");
        if (v != null && !v.isBlank()) {
            return v.strip();
        }
        String impl = BuildInfo.class.getPackage().getImplementationVersion();
        return impl == null ? "dev" : impl;
    }
}
