package org.sipmediadeploy.openstack;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.openstack4j.api.exceptions.ConnectionException;
import org.openstack4j.connectors.okhttp.HttpResponseImpl;
import org.openstack4j.core.transport.ClientConstants;
import org.openstack4j.core.transport.Config;
import org.openstack4j.core.transport.HttpExecutorService;
import org.openstack4j.core.transport.HttpMethod;
import org.openstack4j.core.transport.HttpRequest;
import org.openstack4j.core.transport.HttpResponse;
import org.openstack4j.core.transport.ObjectMapperSingleton;
import org.openstack4j.core.transport.internal.HttpExecutor;

/**
 * openstack4j's transport, on OkHttp, replacing the stock OkHttp connector's request side for two reasons:
 * <ol>
 * <li>The stock connector hands OkHttp 3.14 only the {@code SSLSocketFactory} of {@code Config.withSSLContext};
 * OkHttp then has to dig the trust manager out of it by reflection, which throws
 * {@code UnsupportedOperationException} on JDK 9+. A custom CA file therefore cannot work through it on Java 17.
 * Here the trust manager registered with the context is passed along.</li>
 * <li>On a 401 the stock connector silently re-authenticates from the credentials stored in the token; a token
 * from {@code OSFactory.clientFromToken} has none, so that path fails with a misleading connection error. Here a
 * 401 is returned as is and the adapter's edge re-authenticates once.</li>
 * </ol>
 * Responses are still wrapped by the stock connector's {@link HttpResponseImpl}. openstack4j picks its connector
 * once per JVM through {@code ServiceLoader} (first one on the class path wins); {@link #install()} sets this one
 * explicitly so the choice does not depend on class-path order.
 */
final class OkHttpExecutor implements HttpExecutorService {
    static final String NAME = "sipmediadeploy OkHttp executor";
    private static final OkHttpClient BASE =
            new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
    private static final Map<SSLContext, X509TrustManager> TRUST = new WeakHashMap<>();
    private static volatile boolean installed;

    static OkHttpClient baseClient() {
        return BASE;
    }

    static synchronized void register(SSLContext context, X509TrustManager manager) {
        TRUST.put(context, manager);
    }

    private static synchronized X509TrustManager trustOf(SSLContext context) {
        return TRUST.get(context);
    }

    static synchronized void install() {
        if (installed) {
            return;
        }
        try {
            Field f = HttpExecutor.class.getDeclaredField("service");
            f.setAccessible(true);
            f.set(HttpExecutor.create(), new OkHttpExecutor());
            installed = true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot install the openstack4j transport: " + e, e);
        }
    }

    @Override
    public <R> HttpResponse execute(HttpRequest<R> request) {
        OkHttpClient client = clientFor(request.getConfig());
        Request.Builder rb = new Request.Builder().url(request.getUrl());
        if (request.hasHeaders()) {
            for (Map.Entry<String, Object> h : request.getHeaders().entrySet()) {
                rb.addHeader(h.getKey(), String.valueOf(h.getValue()));
            }
        }
        try {
            rb.method(request.getMethod().name(), body(request));
            Response response = client.newCall(rb.build()).execute();
            return HttpResponseImpl.wrap(response);
        } catch (IOException e) {
            throw new ConnectionException(e.getClass().getSimpleName() + ": " + e.getMessage(), 0, e);
        }
    }

    private static <R> RequestBody body(HttpRequest<R> request) throws IOException {
        Object entity = request.getEntity();
        if (entity instanceof InputStream in) {
            return RequestBody.create(MediaType.parse(request.getContentType()), in.readAllBytes());
        }
        if (entity != null) {
            String json =
                    ObjectMapperSingleton.getContext(entity.getClass()).writer().writeValueAsString(entity);
            return RequestBody.create(MediaType.parse(request.getContentType()), json);
        }
        if (request.hasJson()) {
            return RequestBody.create(MediaType.parse(ClientConstants.CONTENT_TYPE_JSON), request.getJson());
        }
        if (request.getMethod() == HttpMethod.POST
                || request.getMethod() == HttpMethod.PUT
                || request.getMethod() == HttpMethod.PATCH) {
            return RequestBody.create(null, new byte[0]);
        }
        return null;
    }

    private static OkHttpClient clientFor(Config config) {
        if (config == null) {
            return BASE;
        }
        OkHttpClient.Builder b = BASE.newBuilder();
        if (config.getConnectTimeout() > 0) {
            b.connectTimeout(config.getConnectTimeout(), TimeUnit.MILLISECONDS);
        }
        if (config.getReadTimeout() > 0) {
            b.readTimeout(config.getReadTimeout(), TimeUnit.MILLISECONDS);
            b.writeTimeout(config.getReadTimeout(), TimeUnit.MILLISECONDS);
        }
        SSLContext ctx = config.getSslContext();
        if (ctx != null) {
            X509TrustManager tm = trustOf(ctx);
            if (tm == null) {
                throw new IllegalStateException("an SSLContext given to openstack4j must be registered with its"
                        + " trust manager (OkHttp on JDK 17 cannot extract it)");
            }
            b.sslSocketFactory(ctx.getSocketFactory(), tm);
        }
        if (config.getHostNameVerifier() != null) {
            b.hostnameVerifier(config.getHostNameVerifier());
        }
        return b.build();
    }

    @Override
    public String getExecutorDisplayName() {
        return NAME;
    }
}
