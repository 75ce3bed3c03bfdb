package org.sipmediadeploy.openstack;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URL;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.api.exceptions.ConnectionException;
import org.openstack4j.api.exceptions.ResponseException;
import org.openstack4j.api.types.Facing;
import org.openstack4j.core.transport.ObjectMapperSingleton;
import org.openstack4j.model.common.Identifier;
import org.openstack4j.model.identity.v3.Endpoint;
import org.openstack4j.model.identity.v3.Service;
import org.openstack4j.model.identity.v3.Token;
import org.openstack4j.openstack.OSFactory;
import org.openstack4j.openstack.identity.v3.domain.KeystoneToken;
import org.sipmediadeploy.core.port.CloudException;
import org.sipmediadeploy.core.port.CloudException.Kind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Keystone token shared by all threads, renewed before it expires; each call gets its own openstack4j
 * session made from it. openstack4j keeps "the current session" in a {@code ThreadLocal}, so a session made on
 * one thread must never be used from another: {@link #client()} binds a fresh session to the calling thread
 * (cheap: no HTTP), which is also right when several clouds are used from one thread.
 */
final class Keystone {
    private static final Logger LOG = LoggerFactory.getLogger(Keystone.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.parse("application/json");

    private final OpenStackSettings settings;
    private final Transport transport;
    private final Clock clock;
    private final Facing facing;
    private volatile Token token;
    private final AtomicInteger authentications = new AtomicInteger();

    Keystone(OpenStackSettings settings, Transport transport, Clock clock) {
        this.settings = settings;
        this.transport = transport;
        this.clock = clock;
        this.facing = Facing.value(settings.endpointInterface());
    }

    /** An openstack4j client bound to the calling thread, on a valid token. */
    OSClientV3 client() {
        return client(null);
    }

    /** The same, sending {@code headers} with every request of this session (e.g. {@code If-Match}). */
    OSClientV3 client(Map<String, String> headers) {
        Token t = token();
        OSClientV3 c = OSFactory.clientFromToken(t, facing, transport.config());
        if (settings.region() != null) {
            c.useRegion(settings.region());
        }
        if (headers != null) {
            c.headers(headers);
        }
        return c;
    }

    /** A valid token, authenticating when there is none or it expires within the refresh margin. */
    Token token() {
        Token t = token;
        if (t != null && !expiresSoon(t)) {
            return t;
        }
        synchronized (this) {
            t = token;
            if (t == null || expiresSoon(t)) {
                t = authenticate();
                token = t;
            }
            return t;
        }
    }

    /** Forgets {@code stale} (refused by a service) so the next call authenticates again. */
    synchronized void invalidate(Token stale) {
        if (token == stale) {
            token = null;
        }
    }

    okhttp3.OkHttpClient http() {
        return transport.http();
    }

    /** How many times this instance authenticated (for tests of the refresh). */
    int authentications() {
        return authentications.get();
    }

    /** The URL of a service in the token's catalog, for this interface and region. */
    String endpoint(String serviceType) {
        Token t = token();
        for (Service s : t.getCatalog()) {
            if (!serviceType.equals(s.getType())) {
                continue;
            }
            for (Endpoint e : s.getEndpoints()) {
                boolean iface = e.getIface() == facing;
                boolean region = settings.region() == null
                        || settings.region().equals(e.getRegion())
                        || settings.region().equals(e.getRegionId());
                URL url = e.getUrl();
                if (iface && region && url != null) {
                    return url.toString().replaceAll("/+$", "");
                }
            }
        }
        throw new CloudException(
                Kind.NOT_FOUND,
                "catalog",
                "no " + settings.endpointInterface() + " '"
                        + serviceType + "' endpoint"
                        + (settings.region() == null ? "" : " in region '" + settings.region() + "'")
                        + " in the catalog");
    }

    private boolean expiresSoon(Token t) {
        if (t.getExpires() == null) {
            return false;
        }
        Instant renewAt = t.getExpires().toInstant().minus(settings.tokenRefreshMargin());
        return !clock.instant().isBefore(renewAt);
    }

    private Token authenticate() {
        authentications.incrementAndGet();
        OpenStackSettings.Auth auth = settings.auth();
        Token t;
        if (auth instanceof OpenStackSettings.Password p) {
            t = password(p);
        } else if (auth instanceof OpenStackSettings.ApplicationCredential a) {
            t = applicationCredential(a);
        } else {
            throw new AssertionError(auth);
        }
        LOG.info(
                "authenticated to {} as {}, token expires {}",
                settings.authUrl(),
                settings.principal(),
                t.getExpires() == null ? "never" : t.getExpires().toInstant());
        return t;
    }

    private Token password(OpenStackSettings.Password p) {
        try {
            return OSFactory.builderV3()
                    .endpoint(settings.authUrl().toString())
                    .credentials(p.user(), p.password().reveal(), Identifier.byName(p.userDomain()))
                    .scopeToProject(Identifier.byName(p.project()), Identifier.byName(p.projectDomain()))
                    .perspective(facing)
                    .withConfig(transport.config())
                    .authenticate()
                    .getToken();
        } catch (ConnectionException e) {
            // (a ResponseException too, with status 0: not a refusal)
            throw Errors.classify("authenticate", e);
        } catch (ResponseException e) {
            throw authFailure(e.getStatus(), e.getMessage(), e);
        } catch (RuntimeException e) {
            throw Errors.classify("authenticate", e);
        }
    }

    /** openstack4j cannot do application credentials: POST /v3/auth/tokens here, then use the token with it. */
    private Token applicationCredential(OpenStackSettings.ApplicationCredential a) {
        Map<String, Object> body = Map.of(
                "auth",
                Map.of(
                        "identity",
                        Map.of(
                                "methods",
                                new String[] {"application_credential"},
                                "application_credential",
                                Map.of("id", a.id(), "secret", a.secret().reveal()))));
        Request req;
        try {
            req = new Request.Builder()
                    .url(settings.authUrl().toString().replaceAll("/+$", "") + "/auth/tokens")
                    .post(RequestBody.create(JSON_TYPE, JSON.writeValueAsBytes(body)))
                    .build();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the auth request", e);
        }
        try (Response r = transport.http().newCall(req).execute()) {
            ResponseBody rb = r.body();
            String text = rb == null ? "" : rb.string();
            if (r.code() >= 400) {
                throw authFailure(r.code(), faultOf(text), null);
            }
            String id = r.header("X-Subject-Token");
            if (id == null) {
                throw new CloudException(
                        Kind.TRANSIENT, "authenticate", "Keystone answered " + r.code() + " without X-Subject-Token");
            }
            KeystoneToken t = ObjectMapperSingleton.getContext(KeystoneToken.class)
                    .readerFor(KeystoneToken.class)
                    .readValue(text);
            t.setId(id);
            t.setEndpoint(settings.authUrl().toString());
            return t;
        } catch (IOException e) {
            throw Errors.classify("authenticate", e);
        }
    }

    private CloudException authFailure(int status, String detail, Throwable cause) {
        Kind kind = Errors.kindOf(status, detail);
        String what = kind == Kind.AUTH
                ? "Keystone at " + settings.authUrl() + " refused " + settings.principal() + " (HTTP " + status + ")"
                : "Keystone at " + settings.authUrl() + " failed for " + settings.principal() + " (HTTP " + status
                        + (detail == null ? "" : ": " + detail) + ")";
        return new CloudException(kind, "authenticate", what, cause);
    }

    static String faultOf(String json) {
        try {
            var node = JSON.readTree(json);
            var msg = node.findValue("message");
            return msg == null ? json : msg.asText();
        } catch (IOException | RuntimeException e) {
            return json.length() > 200 ? json.substring(0, 200) : json;
        }
    }
}
