package org.sipmediadeploy.raft;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test-time PKI with the openssl CLI: a CA, and node certificates (SAN 127.0.0.1) it signs. */
final class TestCerts {
    private final Path dir;
    private final String ca;

    private TestCerts(Path dir, String ca) {
        this.dir = dir;
        this.ca = ca;
    }

    /** A new CA named {@code name} under {@code dir}. */
    static TestCerts newCa(Path dir, String name) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        run(
                dir,
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                name + ".key",
                "-out",
                name + ".pem",
                "-days",
                "2",
                "-subj",
                "/CN=" + name);
        return new TestCerts(dir, name);
    }

    Path caCert() {
        return dir.resolve(ca + ".pem");
    }

    /** A PKCS#8 key and a certificate for {@code node} signed by this CA, trusting {@code trusted}. */
    RaftSettings.TlsSettings issue(String node, Path trusted) throws IOException, InterruptedException {
        String base = ca + "-" + node;
        run(
                dir,
                "openssl",
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                base + ".key",
                "-out",
                base + ".csr",
                "-subj",
                "/CN=" + node);
        Files.writeString(
                dir.resolve(base + ".ext"),
                "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n",
                StandardCharsets.US_ASCII);
        run(
                dir,
                "openssl",
                "x509",
                "-req",
                "-in",
                base + ".csr",
                "-CA",
                ca + ".pem",
                "-CAkey",
                ca + ".key",
                "-CAcreateserial",
                "-out",
                base + ".pem",
                "-days",
                "2",
                "-extfile",
                base + ".ext");
        return new RaftSettings.TlsSettings(dir.resolve(base + ".key"), dir.resolve(base + ".pem"), trusted);
    }

    RaftSettings.TlsSettings issue(String node) throws IOException, InterruptedException {
        return issue(node, caCert());
    }

    private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(cmd)))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", cmd));
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
