package org.sipmediadeploy.daemon.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shipped sample {@code config/scaler.conf} with its three secret files written beside it in a test's
 * directory; {@link #load} writes a variant of it there and loads it as the daemon would.
 */
public final class SampleConfig {
    /** The sample configuration, relative to a module's directory (where Maven runs the tests). */
    public static final Path SAMPLE = Path.of("../config/scaler.conf");

    private final Path dir;
    private final String text;

    private SampleConfig(Path dir, String text) {
        this.dir = dir;
        this.text = text;
    }

    /** Writes the secret files the sample names (admin token, OpenStack password, TURN probe) under {@code dir}. */
    public static SampleConfig withSecretsIn(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(dir.resolve("secrets/admin.token"), "admin-token-value-123\n");
        Files.writeString(dir.resolve("secrets/os-password"), "os-password-value-456\n");
        Files.writeString(dir.resolve("secrets/turn-probe"), "turn-secret-value-789\n");
        return new SampleConfig(dir, Files.readString(SAMPLE, StandardCharsets.UTF_8));
    }

    /** The sample's text. */
    public String text() {
        return text;
    }

    /** Writes {@code hocon} as {@code scaler.conf} beside the secrets and loads it. */
    public ScalerConfig load(String hocon) throws ConfigProblems {
        Path f = dir.resolve("scaler.conf");
        try {
            Files.writeString(f, hocon, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return ConfigLoader.load(f);
    }
}
