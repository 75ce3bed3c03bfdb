package org.sipmediadeploy.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeStatus;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.model.Secret;
import org.sipmediadeploy.core.model.Transport;
import org.sipmediadeploy.core.port.Prober;

/**
 * SIP OPTIONS over TLS with a configured trust store, against a JSSE SIP responder (see {@link TlsSipResponder}
 * for why not Kamailio's tls module). Certificates are made with the JDK's keytool for each run.
 */
class SipOverTlsProbeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final char[] SERVER_PASS = "server-pass".toCharArray();

    @TempDir
    Path dir;

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        // keytool writes in the platform charset
        String out = new String(p.getInputStream().readAllBytes(), Charset.defaultCharset());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
    }

    /** A server key pair for {@code host} and a trust store holding its certificate. */
    private Path[] certificates(String name, String host) throws Exception {
        Path server = dir.resolve(name + "-server.p12");
        Path cert = dir.resolve(name + ".crt");
        Path trust = dir.resolve(name + "-trust.p12");
        keytool(
                "-genkeypair",
                "-alias",
                "sip",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=" + host,
                "-ext",
                "SAN=ip:" + host,
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                server.toString(),
                "-storepass",
                new String(SERVER_PASS));
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "sip",
                "-keystore",
                server.toString(),
                "-storepass",
                new String(SERVER_PASS),
                "-file",
                cert.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "sip",
                "-file",
                cert.toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                trust.toString(),
                "-storepass",
                "trust-pass");
        return new Path[] {server, trust};
    }

    @Test
    void serverWithATrustedCertificateIsUpOverTls() throws Exception {
        Loopback.Endpoint at = Loopback.freeEndpoint(5061);
        Path[] certs = certificates("trusted", at.host());
        try (TlsSipResponder responder = new TlsSipResponder(at, certs[0], SERVER_PASS);
                Prober prober = Probes.create(ProbeSettings.defaults()
                        .withTls(new TlsSettings(certs[1], Secret.of("trust-pass"), "PKCS12")))) {
            ProbeResult r = prober.probe(
                            new ProbeTarget.SipOptions(at.host(), at.port(), Transport.TLS, Set.of()), TIMEOUT)
                    .get(10, TimeUnit.SECONDS);

            assertEquals(ProbeStatus.UP, r.status(), r.reason());
            assertEquals("200 OK", r.reason());
        }
    }

    @Test
    void serverWithACertificateOutsideTheTrustStoreIsDown() throws Exception {
        Loopback.Endpoint at = Loopback.freeEndpoint(5061);
        Path[] served = certificates("served", at.host());
        Path[] other = certificates("other", at.host());
        try (TlsSipResponder responder = new TlsSipResponder(at, served[0], SERVER_PASS);
                Prober prober = Probes.create(ProbeSettings.defaults()
                        .withTls(new TlsSettings(other[1], Secret.of("trust-pass"), "PKCS12")))) {
            ProbeResult r = prober.probe(
                            new ProbeTarget.SipOptions(at.host(), at.port(), Transport.TLS, Set.of()), TIMEOUT)
                    .get(10, TimeUnit.SECONDS);

            assertEquals(ProbeStatus.DOWN, r.status(), r.reason());
            assertTrue(r.reason().startsWith("TLS handshake failed: "), r.reason());
        }
    }
}
