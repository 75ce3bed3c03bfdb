package org.sipmediadeploy.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JVM flags a scaler node runs with, from the {@code jvm.options} resource that the packaged launchers read
 * too, so that the demo and the tests run nodes as they are shipped. {@code SCALER_JAVA_OPTS} replaces them, as it
 * does in the launchers.
 */
public final class JvmOptions {
    static final String RESOURCE = "/jvm.options";

    private JvmOptions() {}

    /** The shipped flags, or {@code SCALER_JAVA_OPTS}'s words when that is set and not blank. */
    public static List<String> forNode() {
        return Optional.ofNullable(System.getenv("SCALER_JAVA_OPTS"))
                .filter(s -> !s.isBlank())
                .map(JvmOptions::words)
                .orElseGet(JvmOptions::shipped);
    }

    /** The flags of the {@code jvm.options} resource. */
    public static List<String> shipped() {
        try (InputStream in = JvmOptions.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE + " (scaler-daemon's jar)");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** Words of every line, a '#' starting a comment to the end of its line. */
    static List<String> parse(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            int hash = line.indexOf('#');
            out.addAll(words(hash < 0 ? line : line.substring(0, hash)));
        }
        return List.copyOf(out);
    }

    private static List<String> words(String s) {
        String t = s.strip();
        return t.isEmpty() ? List.of() : List.of(t.split("\\s+"));
    }
}
