package org.sipmediadeploy.openstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstack4j.core.transport.internal.HttpExecutor;
import org.sipmediadeploy.core.model.Secret;
import org.sipmediadeploy.core.port.CloudException;
import org.sipmediadeploy.core.port.CloudException.Kind;
import org.sipmediadeploy.core.port.ScalerEvents;

/**
 * https with a CA given as a PEM file, through openstack4j on Java 17 (which the stock OkHttp connector cannot
 * do: OkHttp 3 would have to pull the trust manager out of the socket factory by reflection).
 */
class TlsTest {
    @TempDir
    Path dir;

    FakeOpenStack fake;
    Path caFile;

    @BeforeEach
    void startTlsCloud() throws Exception {
        Path ks = dir.resolve("server.p12");
        caFile = dir.resolve("ca.pem");
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(
                keytool,
                "-genkeypair",
                "-alias",
                "fake",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2",
                "-keystore",
                ks.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit",
                "-keypass",
                "changeit");
        run(
                keytool,
                "-exportcert",
                "-rfc",
                "-alias",
                "fake",
                "-keystore",
                ks.toString(),
                "-storepass",
                "changeit",
                "-file",
                caFile.toString());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        fake = FakeOpenStack.startTls(ctx);
        fake.on(
                OpenStackCloudTest.SERVERS,
                200,
                OpenStackCloudTest.servers(OpenStackCloudTest.server("s1", "gw", "ACTIVE", "t1", "d1")));
    }

    @AfterEach
    void stop() {
        if (fake != null) {
            fake.close();
        }
    }

    OpenStackSettings settings() {
        return OpenStackSettings.of(
                        fake.authUrl(),
                        new OpenStackSettings.Password(
                                "alice", Secret.of(FakeOpenStack.PASSWORD), "Default", "demo", "Default"),
                        "RegionOne")
                .withRetries(1, Duration.ZERO);
    }

    @Test
    void trustsTheCloudSignedByTheGivenCaFile() {
        OpenStackCloud cloud = OpenStackCloud.create(settings().withCaFile(caFile), ScalerEvents.NONE);
        assertEquals(1, cloud.listServers("t1", null).size());
        assertTrue(fake.base().startsWith("https://"));
        assertEquals(OkHttpExecutor.NAME, HttpExecutor.create().getExecutorName());
    }

    @Test
    void refusesTheCloudWithoutTheCaFile() {
        OpenStackCloud cloud = OpenStackCloud.create(settings(), ScalerEvents.NONE);
        CloudException e = assertThrows(CloudException.class, () -> cloud.listServers("t1", null));
        assertEquals(Kind.TRANSIENT, e.kind());
        assertTrue(e.getMessage().contains("SSLHandshakeException"), e.getMessage());
        assertEquals(List.of(), fake.requests);
    }

    @Test
    void caFileWithoutCertificateIsRefusedAtCreation() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> OpenStackCloud.create(settings().withCaFile(empty), ScalerEvents.NONE));
        assertTrue(e.getMessage().contains("empty.pem"), e.getMessage());
    }

    @Test
    void stockOkHttpConnectorPathCannotTakeACustomSslContextOnThisJdk() throws Exception {
        // Why OkHttpExecutor exists: this is what the stock connector does with Config.withSSLContext. If an
        // OkHttp upgrade makes this pass, the custom executor can go.
        SSLContext ctx = Transport.loadTrust(caFile).context();
        @SuppressWarnings("deprecation")
        UnsupportedOperationException e = assertThrows(
                UnsupportedOperationException.class,
                () -> new okhttp3.OkHttpClient.Builder().sslSocketFactory(ctx.getSocketFactory()));
        assertTrue(e.getMessage().contains("not supported on JDK 9+"), e.getMessage());
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        // keytool writes in the platform charset
        String out = new String(p.getInputStream().readAllBytes(), Charset.defaultCharset());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool finished");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    }
}
