package org.sipmediadeploy.openstack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import org.openstack4j.core.transport.Config;

/**
 * The HTTP side of one cloud: an OkHttp client for the calls openstack4j cannot make (application-credential
 * auth, Neutron extensions) and the openstack4j {@link Config} for the rest, both with the same timeouts and
 * trust.
 */
final class Transport {
    private final OkHttpClient http;
    private final Config config;

    private Transport(OkHttpClient http, Config config) {
        this.http = http;
        this.config = config;
    }

    static Transport of(OpenStackSettings settings) {
        OkHttpExecutor.install();
        int connectMs = (int) settings.connectTimeout().toMillis();
        int readMs = (int) settings.readTimeout().toMillis();
        OkHttpClient.Builder b = OkHttpExecutor.baseClient()
                .newBuilder()
                .connectTimeout(connectMs, TimeUnit.MILLISECONDS)
                .readTimeout(readMs, TimeUnit.MILLISECONDS)
                .writeTimeout(readMs, TimeUnit.MILLISECONDS)
                // Retries are ours (bounded, jittered, and never a silent second POST).
                .retryOnConnectionFailure(false);
        Config config = Config.newConfig().withConnectionTimeout(connectMs).withReadTimeout(readMs);
        if (settings.caFile() != null) {
            Trust trust = loadTrust(settings.caFile());
            b.sslSocketFactory(trust.context().getSocketFactory(), trust.manager());
            config = config.withSSLContext(trust.context());
            OkHttpExecutor.register(trust.context(), trust.manager());
        }
        return new Transport(b.build(), config);
    }

    OkHttpClient http() {
        return http;
    }

    Config config() {
        return config;
    }

    record Trust(SSLContext context, X509TrustManager manager) {}

    /** Trusts exactly the CA certificates in a PEM file (one or more concatenated). */
    static Trust loadTrust(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certs =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("caFile holds no certificate: " + caFile);
            }
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            X509TrustManager manager = null;
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    manager = x;
                }
            }
            if (manager == null) {
                throw new IllegalStateException("no X509 trust manager for " + caFile);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {manager}, null);
            return new Trust(ctx, manager);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot load caFile " + caFile + ": " + e.getMessage(), e);
        }
    }
}
