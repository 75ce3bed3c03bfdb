package org.sipmediadeploy.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keystone v3: the version documents, {@code POST /v3/auth/tokens} with the {@code password} and
 * {@code application_credential} methods, token validation ({@code GET}/{@code HEAD}) and revocation
 * ({@code DELETE}), and a catalog whose compute, network and image endpoints are paths of the sandbox's own port.
 */
final class Keystone {
    static final String DOMAIN_ID = "default";
    static final String DOMAIN_NAME = "Default";

    private final SandboxConfig config;
    private final Clock clock;
    private final String baseUrl;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    /** An issued token. {@code projectName} null = unscoped. {@code appCredential} null unless that method. */
    record Token(
            String id,
            String userId,
            String userName,
            String projectId,
            String projectName,
            List<String> methods,
            Instant issued,
            Instant expires,
            String auditId,
            SandboxConfig.AppCredential appCredential) {}

    Keystone(SandboxConfig config, Clock clock, String baseUrl) {
        this.config = config;
        this.clock = clock;
        this.baseUrl = baseUrl;
    }

    String identityUrl() {
        return baseUrl + "/v3";
    }

    static String userId(String name) {
        return UUID.nameUUIDFromBytes(("user:" + name).getBytes(StandardCharsets.UTF_8))
                .toString()
                .replace("-", "");
    }

    static String projectId(String name) {
        return UUID.nameUUIDFromBytes(("project:" + name).getBytes(StandardCharsets.UTF_8))
                .toString()
                .replace("-", "");
    }

    /** The caller of a service request, when its X-Auth-Token is a valid project-scoped token. */
    Optional<Caller> caller(String tokenId) {
        if (tokenId == null) {
            return Optional.empty();
        }
        Token t = tokens.get(tokenId);
        if (t == null || t.projectId() == null || !clock.instant().isBefore(t.expires())) {
            return Optional.empty();
        }
        return Optional.of(new Caller(t.userId(), t.userName(), t.projectId(), t.auditId()));
    }

    /** Issues a token directly (the control API and tests use it; it is a normal password token). */
    Token issue(SandboxConfig.User user) {
        return newToken(user, user.project(), List.of("password"), null);
    }

    String operation(ApiRequest req) {
        if (req.path().equals("/v3/auth/tokens")) {
            return req.method().equals("POST") ? "token.create" : "token.validate";
        }
        return "identity.version";
    }

    ApiResponse handle(ApiRequest req) {
        String p = req.path();
        if (p.equals("/") && req.method().equals("GET")) {
            return ApiResponse.json(300, Json.obj("versions", Json.obj("values", Json.list(versionBody()))))
                    .with("Location", baseUrl + "/v3/");
        }
        if (p.equals("/v3") && req.method().equals("GET")) {
            return ApiResponse.json(200, Json.obj("version", versionBody()));
        }
        if (p.equals("/v3/auth/tokens")) {
            if (req.method().equals("POST")) {
                return authenticate(req);
            }
            Optional<Caller> caller = caller(req.header("X-Auth-Token"));
            if (caller.isEmpty()) {
                return Errors.unauthorized(identityUrl());
            }
            String subject = req.header("X-Subject-Token");
            Token t = subject == null ? null : tokens.get(subject);
            if (t == null || !clock.instant().isBefore(t.expires())) {
                return Errors.keystone(404, "Not Found", "Could not recognize Fernet token");
            }
            if (req.method().equals("DELETE")) {
                tokens.remove(subject);
                return new ApiResponse(204, Map.of(), null);
            }
            if (req.method().equals("HEAD")) {
                return new ApiResponse(200, Map.of("X-Subject-Token", t.id()), null);
            }
            if (req.method().equals("GET")) {
                boolean noCatalog = req.query().containsKey("nocatalog");
                return ApiResponse.json(200, tokenBody(t, !noCatalog)).with("X-Subject-Token", t.id());
            }
        }
        return Errors.keystone(404, "Not Found", "The resource could not be found.");
    }

    private Map<String, Object> versionBody() {
        return Json.obj(
                "id",
                "v3.14",
                "status",
                "stable",
                "updated",
                "2020-04-07T00:00:00Z",
                "links",
                Json.list(Json.obj("rel", "self", "href", baseUrl + "/v3/")),
                "media-types",
                Json.list(Json.obj("base", "application/json", "type", "application/vnd.openstack.identity-v3+json")));
    }

    private ApiResponse authenticate(ApiRequest req) {
        JsonNode body = req.json();
        JsonNode identity = body == null ? null : body.path("auth").get("identity");
        if (identity == null || !identity.path("methods").isArray()) {
            return Errors.keystone(
                    400, "Bad Request", "Invalid input for field 'identity': 'methods' is a " + "required property");
        }
        List<String> methods = new ArrayList<>();
        identity.path("methods").forEach(m -> methods.add(m.asText()));
        JsonNode scope = body.path("auth").get("scope");
        if (methods.contains("password")) {
            JsonNode u = identity.path("password").path("user");
            SandboxConfig.User user = findUser(Json.text(u, "id"), Json.text(u, "name"), u.path("domain"));
            String password = Json.text(u, "password");
            if (user == null || password == null || !user.password().reveal().equals(password)) {
                return Errors.unauthorized(identityUrl());
            }
            String project = null;
            if (scope != null && scope.has("project")) {
                JsonNode pr = scope.get("project");
                String name = Json.text(pr, "name");
                String id = Json.text(pr, "id");
                boolean match = (name != null && name.equals(user.project()) && domainOk(pr.path("domain")))
                        || (id != null && id.equals(projectId(user.project())));
                if (!match) {
                    return Errors.unauthorized(identityUrl());
                }
                project = user.project();
            } else if (scope != null && !scope.isNull()) {
                return Errors.unauthorized(identityUrl());
            }
            return tokenResponse(newToken(user, project, List.of("password"), null));
        }
        if (methods.contains("application_credential")) {
            JsonNode ac = identity.path("application_credential");
            String secret = Json.text(ac, "secret");
            SandboxConfig.AppCredential cred =
                    findAppCredential(Json.text(ac, "id"), Json.text(ac, "name"), ac.path("user"));
            if (cred == null || secret == null || !cred.secret().reveal().equals(secret)) {
                return Errors.unauthorized(identityUrl());
            }
            if (scope != null && !scope.isNull()) {
                return Errors.keystone(401, "Unauthorized", "Application credentials cannot request a scope.");
            }
            SandboxConfig.User user = findUser(null, cred.user(), null);
            if (user == null) {
                return Errors.unauthorized(identityUrl());
            }
            return tokenResponse(newToken(user, user.project(), List.of("application_credential"), cred));
        }
        return Errors.unauthorized(identityUrl());
    }

    private static boolean domainOk(JsonNode domain) {
        if (domain == null || domain.isMissingNode() || domain.isNull()) {
            return true;
        }
        String id = Json.text(domain, "id");
        String name = Json.text(domain, "name");
        return (id == null || id.equals(DOMAIN_ID)) && (name == null || name.equals(DOMAIN_NAME));
    }

    private SandboxConfig.User findUser(String id, String name, JsonNode domain) {
        for (SandboxConfig.User u : config.users()) {
            if ((id != null && id.equals(userId(u.name())))
                    || (name != null && name.equals(u.name()) && domainOk(domain))) {
                return u;
            }
        }
        return null;
    }

    private SandboxConfig.AppCredential findAppCredential(String id, String name, JsonNode user) {
        for (SandboxConfig.AppCredential c : config.applicationCredentials()) {
            if (id != null && id.equals(c.id())) {
                return c;
            }
            if (id == null && name != null && name.equals(c.name())) {
                String uname = Json.text(user, "name");
                String uid = Json.text(user, "id");
                if ((uname != null && uname.equals(c.user())) || (uid != null && uid.equals(userId(c.user())))) {
                    return c;
                }
            }
        }
        return null;
    }

    private Token newToken(
            SandboxConfig.User user, String project, List<String> methods, SandboxConfig.AppCredential cred) {
        byte[] raw = new byte[132];
        random.nextBytes(raw);
        byte[] audit = new byte[16];
        random.nextBytes(audit);
        Instant now = clock.instant();
        String id = "gAAAAAB" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Token t = new Token(
                id,
                userId(user.name()),
                user.name(),
                project == null ? null : projectId(project),
                project,
                List.copyOf(methods),
                now,
                now.plus(config.tokenTtl()),
                Base64.getUrlEncoder().withoutPadding().encodeToString(audit),
                cred);
        tokens.put(id, t);
        tokens.values().removeIf(x -> !now.isBefore(x.expires()));
        return t;
    }

    private ApiResponse tokenResponse(Token t) {
        return ApiResponse.json(201, tokenBody(t, true))
                .with("X-Subject-Token", t.id())
                .with("Vary", "X-Auth-Token");
    }

    private Map<String, Object> tokenBody(Token t, boolean withCatalog) {
        Map<String, Object> token = Json.obj(
                "methods", t.methods(),
                "user",
                        Json.obj(
                                "domain",
                                Json.obj("id", DOMAIN_ID, "name", DOMAIN_NAME),
                                "id",
                                t.userId(),
                                "name",
                                t.userName(),
                                "password_expires_at",
                                null),
                "audit_ids", Json.list(t.auditId()),
                "expires_at", Json.keystone(t.expires()),
                "issued_at", Json.keystone(t.issued()));
        if (t.projectId() != null) {
            token.put(
                    "project",
                    Json.obj(
                            "domain",
                            Json.obj("id", DOMAIN_ID, "name", DOMAIN_NAME),
                            "id",
                            t.projectId(),
                            "name",
                            t.projectName()));
            token.put("is_domain", false);
            token.put(
                    "roles",
                    Json.list(
                            Json.obj("id", "9fe2ff9ee4384b1894a90878d3e92bab", "name", "member"),
                            Json.obj("id", "1c1aa5c1b6b34e2f9d0ab1f6a0c0c0de", "name", "admin"),
                            Json.obj("id", "3b9d0a3c1d6e4f0f9e6c2b1a0d9c8b7a", "name", "reader")));
            if (t.appCredential() != null) {
                token.put(
                        "application_credential",
                        Json.obj(
                                "id",
                                t.appCredential().id(),
                                "name",
                                t.appCredential().name(),
                                "restricted",
                                true));
            }
            if (withCatalog) {
                token.put("catalog", catalog());
            }
        }
        return Json.obj("token", token);
    }

    private List<Object> catalog() {
        return Json.list(
                service("keystone", "identity", baseUrl + "/v3/"),
                service("nova", "compute", baseUrl + HttpFront.COMPUTE + "/v2.1"),
                service("neutron", "network", baseUrl + HttpFront.NETWORK),
                service("glance", "image", baseUrl + HttpFront.IMAGE));
    }

    private Map<String, Object> service(String name, String type, String url) {
        List<Object> eps = new ArrayList<>();
        for (String iface : List.of("public", "internal", "admin")) {
            eps.add(Json.obj(
                    "id",
                    UUID.nameUUIDFromBytes((name + iface).getBytes(StandardCharsets.UTF_8))
                            .toString()
                            .replace("-", ""),
                    "interface",
                    iface,
                    "region_id",
                    config.region(),
                    "url",
                    url,
                    "region",
                    config.region()));
        }
        return Json.obj(
                "endpoints",
                eps,
                "id",
                UUID.nameUUIDFromBytes(("service:" + name).getBytes(StandardCharsets.UTF_8))
                        .toString()
                        .replace("-", ""),
                "type",
                type,
                "name",
                name);
    }
}
