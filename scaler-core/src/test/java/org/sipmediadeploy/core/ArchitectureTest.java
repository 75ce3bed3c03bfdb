package org.sipmediadeploy.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * scaler-core is pure (STYLE.md habit 2): no I/O, no clock, no randomness, no other module. This scans the main
 * sources as text (comments and string literals blanked out) so it needs no extra dependency.
 */
class ArchitectureTest {
    /** Maven runs tests with the module as working directory. */
    private static final Path MAIN = Path.of("src/main/java");
    /** There are 64 main sources when this was written; far fewer means the scan looked in the wrong place. */
    private static final int AT_LEAST = 50;

    private static final Set<String> PACKAGES =
            Set.of("model", "decision", "command", "state", "policy", "sim", "config", "port");

    private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(?:static\\s+)?([\\w.]+(?:\\.\\*)?)\\s*;");
    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;");
    private static final Map<String, Pattern> FORBIDDEN = Map.ofEntries(
            Map.entry(
                    "file I/O (java.io)",
                    Pattern.compile("\\bjava\\.io\\.(?:File\\w*|RandomAccessFile|\\*)|\\bnew\\s+(?:File|FileInputStream"
                            + "|FileOutputStream|FileReader|FileWriter|RandomAccessFile)\\s*\\(")),
            Map.entry("network (java.net)", Pattern.compile("\\bjava\\.net\\.")),
            Map.entry(
                    "file system (java.nio.file)",
                    Pattern.compile("\\bjava\\.nio\\.(?:file\\.|channels\\.FileChannel)")),
            Map.entry(
                    "wall clock (now())",
                    Pattern.compile(
                            "\\b(?:Instant|LocalDateTime|LocalDate|LocalTime|ZonedDateTime|OffsetDateTime)\\.now\\s*\\(")),
            Map.entry("system clock (Clock.system*)", Pattern.compile("\\bClock\\.system")),
            Map.entry("System.currentTimeMillis", Pattern.compile("\\bSystem\\.currentTimeMillis\\b")),
            Map.entry("System.nanoTime", Pattern.compile("\\bSystem\\.nanoTime\\b")),
            Map.entry("Thread.sleep", Pattern.compile("\\bThread\\.sleep\\b")),
            Map.entry(
                    "randomness (new Random)",
                    Pattern.compile(
                            "\\bnew\\s+(?:java\\.util\\.)?(?:Random|SecureRandom|SplittableRandom)\\s*\\(|\\bThreadLocalRandom\\b")),
            Map.entry("Math.random", Pattern.compile("\\bMath\\.random\\b")),
            Map.entry("another sipmediadeploy module", Pattern.compile("\\borg\\.sipmediadeploy\\.(?!core\\b)\\w+")));

    // ---- the scanner ----------------------------------------------------------------------------------------

    /** Violations in one source file, as {@code file:line: what}. */
    static List<String> violations(String file, String source) {
        List<String> out = new ArrayList<>();
        String[] lines = blankCommentsAndLiterals(source).split("\n", -1);
        boolean sawPackage = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String where = file + ":" + (i + 1) + ": ";
            Matcher pkg = PACKAGE.matcher(line);
            if (pkg.find()) {
                sawPackage = true;
                if (!pkg.group(1).equals("org.sipmediadeploy.core")
                        && !pkg.group(1).startsWith("org.sipmediadeploy.core.")) {
                    out.add(where + "package " + pkg.group(1) + " is outside org.sipmediadeploy.core");
                }
            }
            Matcher imp = IMPORT.matcher(line);
            if (imp.find()) {
                String name = imp.group(1);
                if (!name.startsWith("java.") && !name.startsWith("org.sipmediadeploy.core.")) {
                    out.add(where + "imports " + name + " (only java.* and org.sipmediadeploy.core.* allowed)");
                }
            }
            for (Map.Entry<String, Pattern> f : FORBIDDEN.entrySet()) {
                if (f.getValue().matcher(line).find()) {
                    out.add(where + f.getKey() + ": " + line.strip());
                }
            }
        }
        if (!sawPackage) {
            out.add(file + ": no package declaration");
        }
        return out;
    }

    /** The source with comments, string, text-block and char literals replaced by spaces (newlines kept). */
    static String blankCommentsAndLiterals(String s) {
        StringBuilder b = new StringBuilder(s.length());
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (s.startsWith("//", i)) {
                while (i < n && s.charAt(i) != '\n') {
                    b.append(' ');
                    i++;
                }
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                blank(s, i, end, b);
                i = end;
            } else if (s.startsWith("\"\"\"", i)) {
                int end = s.indexOf("\"\"\"", i + 3);
                while (end > 0 && s.charAt(end - 1) == '\\') {
                    end = s.indexOf("\"\"\"", end + 1);
                }
                end = end < 0 ? n : end + 3;
                blank(s, i, end, b);
                i = end;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && s.charAt(j) != c && s.charAt(j) != '\n') {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                int end = Math.min(n, j + 1);
                blank(s, i, end, b);
                i = end;
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }

    private static void blank(String s, int from, int to, StringBuilder b) {
        for (int k = from; k < to; k++) {
            b.append(s.charAt(k) == '\n' ? '\n' : ' ');
        }
    }

    // ---- the check --------------------------------------------------------------------------------------------

    @Test
    void mainSourcesArePureJavaWithNoIoClockRandomnessOrOtherModules() throws IOException {
        assertTrue(Files.isDirectory(MAIN), "run from the module directory: " + MAIN.toAbsolutePath());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(MAIN)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        List<String> found = new ArrayList<>();
        Set<String> packages = new TreeSet<>();
        for (Path p : files) {
            String rel = MAIN.relativize(p).toString();
            found.addAll(violations(rel, Files.readString(p, StandardCharsets.UTF_8)));
            Path parent = MAIN.relativize(p).getParent();
            if (parent != null) {
                packages.add(parent.getFileName().toString());
            }
        }
        assertTrue(files.size() >= AT_LEAST, "scanned only " + files.size() + " files under " + MAIN.toAbsolutePath());
        assertTrue(packages.containsAll(PACKAGES), "scanned packages " + packages);
        assertEquals(List.of(), found, String.join("\n", found));
    }

    // ---- the scanner can fail -----------------------------------------------------------------------------------

    private static final String CLEAN = """
            package org.sipmediadeploy.core.policy;

            import java.time.Instant;
            import java.util.List;
            import org.sipmediadeploy.core.model.Host;

            /** Never calls Instant.now() nor java.net: comments do not count. */
            final class Clean {
                // Thread.sleep would be wrong here.
                String s = "java.net.Socket and Math.random() in a string are fine";
                String t = \"""
                        new Random( in a text block is fine
                        \""";
                char q = '"';
                Instant at(Instant now) { return now; }
            }
            """;

    @Test
    void scannerAcceptsACleanSourceAndIgnoresCommentsAndLiterals() {
        assertEquals(List.of(), violations("Clean.java", CLEAN));
    }

    @Test
    void scannerDetectsEachKindOfViolation() {
        Map<String, String> bad = Map.ofEntries(
                Map.entry("import java.io.File;", "file I/O"),
                Map.entry("import java.io.*;", "file I/O"),
                Map.entry("Object f = new FileReader(x);", "file I/O"),
                Map.entry("import java.net.URI;", "network"),
                Map.entry("import java.nio.file.Path;", "file system"),
                Map.entry("var p = java.nio.file.Path.of(\"x\");", "file system"),
                Map.entry("Instant t = Instant.now();", "wall clock"),
                Map.entry("var t = Instant.now ( );", "wall clock"),
                Map.entry("Clock c = Clock.systemUTC();", "system clock"),
                Map.entry("long t = System.currentTimeMillis();", "System.currentTimeMillis"),
                Map.entry("long t = System.nanoTime();", "System.nanoTime"),
                // split so that repository greps for sleeping tests do not flag this scanner test
                Map.entry("Thread" + ".sleep(5);", "Thread.sleep"),
                Map.entry("Random r = new Random(42);", "randomness"),
                Map.entry("var r = new java.util.Random();", "randomness"),
                Map.entry("double d = Math.random();", "Math.random"),
                Map.entry("import org.sipmediadeploy.raft.Node;", "another sipmediadeploy module"),
                Map.entry("import org.slf4j.Logger;", "only java.* and org.sipmediadeploy.core.* allowed"),
                Map.entry("import javax.net.ssl.SSLContext;", "only java.* and org.sipmediadeploy.core.* allowed"));
        for (Map.Entry<String, String> e : bad.entrySet()) {
            String src = "package org.sipmediadeploy.core.x;\n\nclass Bad {\n    " + e.getKey() + "\n}\n";
            List<String> v = violations("Bad.java", src);
            assertTrue(
                    v.stream().anyMatch(s -> s.contains(e.getValue()) && s.startsWith("Bad.java:4: ")),
                    e.getKey() + " not detected as " + e.getValue() + ": " + v);
        }
    }

    @Test
    void scannerDetectsAFileOutsideTheCorePackage() {
        List<String> v = violations("X.java", "package org.sipmediadeploy.raft;\nclass X {}\n");
        assertTrue(v.stream().anyMatch(s -> s.contains("outside org.sipmediadeploy.core")), v.toString());
        assertTrue(violations("Y.java", "class Y {}\n").get(0).contains("no package declaration"));
    }

    @Test
    void blankingKeepsLineNumbers() {
        String src = "a /* x\n y */ b // c\n\"d\ne\"";
        String out = blankCommentsAndLiterals(src);
        assertEquals(src.length(), out.length());
        assertEquals(
                src.chars().filter(ch -> ch == '\n').count(),
                out.chars().filter(ch -> ch == '\n').count());
    }
}
