package org.sipmediadeploy.daemon.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.sipmediadeploy.core.model.Secret;

/**
 * Reads typed values out of a HOCON block and collects the problems: each reader records one naming the full key
 * path ({@code scaler.<at><key>}) and returns a harmless value, so one run reports every problem of a file. It also
 * keeps the files the configuration names (certificates, secrets, user data) for {@code config check}.
 */
final class KeyReader {
    static final String ROOT = "scaler";

    private final List<String> problems = new ArrayList<>();
    private final Path baseDir;
    private final List<ScalerConfig.FileRef> files = new ArrayList<>();

    KeyReader(Path baseDir) {
        this.baseDir = baseDir;
    }

    /** Records a problem of {@code key} (a path under {@code scaler}). */
    void problem(String key, String message) {
        problems.add(ROOT + "." + key + ": " + message);
    }

    /** Records a problem worded in full (a key outside {@code scaler}). */
    void problemOutsideRoot(String text) {
        problems.add(text);
    }

    int problemCount() {
        return problems.size();
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    List<ScalerConfig.FileRef> files() {
        return files;
    }

    Path baseDir() {
        return baseDir;
    }

    // ---- field readers: each records a problem naming the full key path and returns a harmless value ----

    String str(Config c, String key) {
        return str(c, key, "");
    }

    String str(Config c, String key, String at) {
        String v = attempt(at + key, () -> c.getString(key), "a string");
        return v == null ? "" : v;
    }

    String required(Config c, String key) {
        return required(c, key, "");
    }

    String required(Config c, String key, String at) {
        String v = str(c, key, at);
        if (v.isBlank() && c.hasPathOrNull(key)) {
            problem(at + key, "required");
        }
        return v;
    }

    List<String> strings(Config c, String key, String at) {
        return attempt(at + key, () -> c.getStringList(key), "a list of strings");
    }

    boolean bool(Config c, String key) {
        return bool(c, key, "");
    }

    boolean bool(Config c, String key, String at) {
        Boolean v = attempt(at + key, () -> c.getBoolean(key), "true or false");
        return v != null && v;
    }

    int intIn(Config c, String key, int min, int max, String at) {
        Integer v = attempt(at + key, () -> c.getInt(key), "a whole number");
        if (v == null) {
            return -1;
        }
        if (v < min || v > max) {
            problem(at + key, "must be in " + min + ".." + max + ", got " + v);
        }
        return v;
    }

    /** A number above {@code min} (exclusive) and at most {@code max}; NaN when it is missing or not a number. */
    double doubleAbove(Config c, String key, double min, double max, String at) {
        Double v = attempt(at + key, () -> c.getDouble(key), "a number");
        if (v == null) {
            return Double.NaN;
        }
        if (!(v > min) || v > max) {
            problem(at + key, "must be above " + min + " and at most " + max + ", got " + v);
        }
        return v;
    }

    int port(Config c, String key) {
        return port(c, key, "");
    }

    int port(Config c, String key, String at) {
        return intIn(c, key, 1, 65535, at);
    }

    Duration duration(Config c, String key, Duration min) {
        return duration(c, key, min, "");
    }

    Duration duration(Config c, String key, Duration min, String at) {
        Duration v = attempt(at + key, () -> c.getDuration(key), "a duration such as 500ms, 30s or 10m");
        if (v == null) {
            return null;
        }
        if (v.isNegative()) {
            problem(at + key, "must not be negative, got " + v);
            return null;
        }
        if (v.compareTo(min) < 0) {
            problem(at + key, "must be at least " + min.toMillis() + " ms, got " + v.toMillis() + " ms");
            return null;
        }
        return v;
    }

    String oneOf(Config c, String key, Set<String> allowed) {
        return oneOf(c, key, allowed, "");
    }

    String oneOf(Config c, String key, Set<String> allowed, String at) {
        String v = str(c, key, at);
        if (!allowed.contains(v)) {
            problem(at + key, "must be one of " + new TreeSet<>(allowed) + ", got '" + v + "'");
            return null;
        }
        return v;
    }

    ConfigObject object(Config c, String key) {
        return attempt(key, () -> c.getObject(key), "an object");
    }

    Path path(String s) {
        return s.isEmpty() ? null : resolve(s);
    }

    Path resolve(String s) {
        Path p = Path.of(s);
        return p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p);
    }

    Path readableFile(Config c, String key) {
        String s = str(c, key);
        if (s.isEmpty()) {
            problem(key, "required");
            return null;
        }
        Path p = resolve(s);
        remember(key, s, p);
        if (!Files.isReadable(p)) {
            problem(key, "cannot read '" + p + "'");
        }
        return p;
    }

    /** Reads a secret from the file named at {@code key}; the secret itself never enters a message. */
    Secret secret(Config c, String key) {
        return secret(c, key, "");
    }

    Secret secret(Config c, String key, String at) {
        String s = str(c, key, at);
        if (s.isEmpty()) {
            problem(at + key, "required (a file holding the secret)");
            return Secret.of("");
        }
        Path p = resolve(s);
        remember(at + key, s, p);
        try {
            String v = Files.readString(p, StandardCharsets.UTF_8).strip();
            if (v.isEmpty()) {
                problem(at + key, "secret file '" + p + "' is empty");
            }
            return Secret.of(v);
        } catch (IOException | SecurityException e) {
            problem(at + key, "cannot read secret file '" + p + "'");
            return Secret.of("");
        }
    }

    <T> T attempt(String key, Supplier<T> read, String expected) {
        try {
            return read.get();
        } catch (ConfigException.Missing e) {
            problem(key, "required");
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            problem(key, "expected " + expected + where(e));
        } catch (ConfigException e) {
            problem(key, e.getMessage());
        }
        return null;
    }

    private static String where(ConfigException e) {
        return e.origin() == null || e.origin().lineNumber() < 0
                ? ""
                : " (" + e.origin().description() + ")";
    }

    void remember(String key, String asWritten, Path resolved) {
        if (files.stream().noneMatch(f -> f.resolved().equals(resolved))) {
            files.add(new ScalerConfig.FileRef(key, asWritten, resolved));
        }
    }
}
