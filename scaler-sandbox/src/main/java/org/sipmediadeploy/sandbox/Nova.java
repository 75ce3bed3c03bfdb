package org.sipmediadeploy.sandbox;

import java.util.ArrayList;
import java.util.List;
import org.sipmediadeploy.sandbox.Resources.Flavor;
import org.sipmediadeploy.sandbox.Resources.Image;

/**
 * Nova v2.1 under {@code /compute/v2.1}: servers (create, list, detail, get, delete, metadata, os-interface),
 * flavors, the image proxy (gone from microversion 2.36, as in Nova), limits and key pairs. Microversions are
 * negotiated from {@code OpenStack-API-Version} / {@code X-OpenStack-Nova-API-Version} (2.1 to 2.93) and echoed.
 * This class negotiates the microversion, names the operations, answers the version documents and routes, and
 * serves the small read-only resources; servers are in {@link NovaServers}, key pairs in {@link NovaKeypairs},
 * the JSON shapes in {@link NovaShapes}.
 */
final class Nova {
    static final int MAX_MINOR = 93;
    static final String BASE = HttpFront.COMPUTE + "/v2.1";

    private final SandboxCloud cloud;
    private final ResourceStore store;
    private final NovaShapes shapes;
    private final NovaServers servers;
    private final NovaKeypairs keypairs = new NovaKeypairs();

    Nova(SandboxCloud cloud, String baseUrl) {
        this.cloud = cloud;
        this.store = cloud.store;
        this.shapes = new NovaShapes(store, baseUrl);
        this.servers = new NovaServers(cloud, shapes, keypairs);
    }

    String operation(ApiRequest req) {
        String[] s = req.path().startsWith(BASE) ? req.segments(BASE) : new String[0];
        if (s.length == 0) {
            return "compute.version";
        }
        String m = req.method();
        if (s[0].equals("servers")) {
            if (s.length == 1) {
                return m.equals("POST") ? "server.create" : "server.list";
            }
            if (s.length == 2 && s[1].equals("detail")) {
                return "server.list";
            }
            if (s.length == 2) {
                return m.equals("DELETE") ? "server.delete" : "server.get";
            }
            return "server." + s[2];
        }
        if (s[0].equals("flavors")) {
            return s.length == 2 && !s[1].equals("detail") ? "flavor.get" : "flavor.list";
        }
        if (s[0].equals("images")) {
            return s.length == 2 && !s[1].equals("detail") ? "image.get" : "image.list";
        }
        return "compute." + s[0];
    }

    /** The negotiated minor version, or -1 when the header asks for one this API does not have. */
    static int microversion(ApiRequest req) {
        String v = req.header("OpenStack-API-Version");
        if (v != null) {
            v = v.trim();
            if (!v.startsWith("compute ")) {
                return 1;
            }
            v = v.substring("compute ".length()).trim();
        } else {
            v = req.header("X-OpenStack-Nova-API-Version");
        }
        if (v == null || v.isBlank()) {
            return 1;
        }
        if (v.equalsIgnoreCase("latest")) {
            return MAX_MINOR;
        }
        @SuppressWarnings("StringSplitter") // kept: the accepted syntax stays as it was ("2.1." reads as 2.1)
        String[] parts = v.trim().split("\\.");
        try {
            if (parts.length != 2 || Integer.parseInt(parts[0]) != 2) {
                return -1;
            }
            int minor = Integer.parseInt(parts[1]);
            return minor < 1 || minor > MAX_MINOR ? -1 : minor;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String requested(ApiRequest req) {
        String v = req.header("OpenStack-API-Version");
        if (v != null && v.trim().startsWith("compute ")) {
            return v.trim().substring("compute ".length()).trim();
        }
        return req.header("X-OpenStack-Nova-API-Version");
    }

    ApiResponse handle(ApiRequest req, Caller caller, boolean noValidHost) {
        int mv = microversion(req);
        if (mv < 0) {
            String asked = requested(req);
            return withVersion(
                    Errors.nova(
                            406,
                            "Version " + asked + " is not supported by the API. Minimum is 2.1 " + "and maximum is 2."
                                    + MAX_MINOR + "."),
                    asked);
        }
        String version = "2." + mv;
        try {
            return withVersion(route(req, caller, mv, noValidHost), version);
        } catch (ApiException e) {
            return withVersion(e.response(), version);
        }
    }

    static ApiResponse withVersion(ApiResponse r, String version) {
        return r.with("OpenStack-API-Version", "compute " + version)
                .with("X-OpenStack-Nova-API-Version", version)
                .with("Vary", "OpenStack-API-Version, X-OpenStack-Nova-API-Version");
    }

    ApiResponse versions() {
        return ApiResponse.json(
                200,
                Json.obj(
                        "versions",
                        Json.list(
                                Json.obj(
                                        "id",
                                        "v2.0",
                                        "status",
                                        "SUPPORTED",
                                        "version",
                                        "",
                                        "min_version",
                                        "",
                                        "updated",
                                        "2011-01-21T11:33:21Z",
                                        "links",
                                        Json.list(Json.obj("rel", "self", "href", shapes.bookmark() + "/v2/"))),
                                Json.obj(
                                        "id",
                                        "v2.1",
                                        "status",
                                        "CURRENT",
                                        "version",
                                        "2." + MAX_MINOR,
                                        "min_version",
                                        "2.1",
                                        "updated",
                                        "2013-07-23T11:33:21Z",
                                        "links",
                                        Json.list(Json.obj("rel", "self", "href", shapes.v21() + "/"))))));
    }

    private ApiResponse route(ApiRequest req, Caller caller, int mv, boolean noValidHost) {
        String[] s = req.segments(BASE);
        String m = req.method();
        if (s.length == 0 && m.equals("GET")) {
            return ApiResponse.json(
                    200,
                    Json.obj(
                            "version",
                            Json.obj(
                                    "id",
                                    "v2.1",
                                    "status",
                                    "CURRENT",
                                    "version",
                                    "2." + MAX_MINOR,
                                    "min_version",
                                    "2.1",
                                    "updated",
                                    "2013-07-23T11:33:21Z",
                                    "links",
                                    Json.list(
                                            Json.obj("rel", "self", "href", shapes.v21() + "/"),
                                            Json.obj(
                                                    "rel",
                                                    "describedby",
                                                    "type",
                                                    "text/html",
                                                    "href",
                                                    "http://docs.openstack.org/")),
                                    "media-types",
                                    Json.list(Json.obj(
                                            "base",
                                            "application/json",
                                            "type",
                                            "application/vnd.openstack.compute+json;version=2.1")))));
        }
        if (s.length == 0) {
            return notFound();
        }
        return switch (s[0]) {
            case "servers" -> servers.handle(req, caller, s, mv, noValidHost);
            case "flavors" -> flavors(s);
            case "images" -> {
                if (mv >= 36) {
                    yield notFound(); // the image proxy is gone from 2.36: Glance it is
                }
                yield images(s);
            }
            case "limits" -> limits();
            case "os-keypairs" -> keypairs.handle(req, s);
            default -> notFound();
        };
    }

    static ApiResponse notFound() {
        return Errors.nova(404, "The resource could not be found.");
    }

    // ---------------------------------------------------------------- flavors, images, limits

    private ApiResponse flavors(String[] s) {
        return store.locked(() -> {
            if (s.length == 1 || (s.length == 2 && s[1].equals("detail"))) {
                boolean detail = s.length == 2;
                List<Object> out = new ArrayList<>();
                for (Flavor f : store.flavors.values()) {
                    out.add(
                            detail
                                    ? shapes.flavor(f)
                                    : Json.obj(
                                            "id", f.id(), "name", f.name(), "links", shapes.links("flavors", f.id())));
                }
                return ApiResponse.json(200, Json.obj("flavors", out));
            }
            Flavor f = store.flavors.get(s[1]);
            if (f == null || s.length > 2) {
                return Errors.nova(404, "Flavor " + s[1] + " could not be found.");
            }
            return ApiResponse.json(200, Json.obj("flavor", shapes.flavor(f)));
        });
    }

    private ApiResponse images(String[] s) {
        return store.locked(() -> {
            if (s.length == 1 || (s.length == 2 && s[1].equals("detail"))) {
                boolean detail = s.length == 2;
                List<Object> out = new ArrayList<>();
                for (Image i : store.images.values()) {
                    out.add(
                            detail
                                    ? shapes.novaImage(i)
                                    : Json.obj("id", i.id(), "name", i.name(), "links", shapes.imageLinks(i)));
                }
                return ApiResponse.json(200, Json.obj("images", out));
            }
            Image i = store.images.get(s[1]);
            if (i == null || s.length > 2) {
                return Errors.nova(404, "Image not found.");
            }
            return ApiResponse.json(200, Json.obj("image", shapes.novaImage(i)));
        });
    }

    private ApiResponse limits() {
        int used = store.locked(() ->
                (int) store.servers.values().stream().filter(x -> !x.deleting).count());
        return ApiResponse.json(
                200,
                Json.obj(
                        "limits",
                        Json.obj(
                                "rate",
                                Json.list(),
                                "absolute",
                                Json.obj(
                                        "maxTotalInstances",
                                        cloud.config.maxServers(),
                                        "maxTotalCores",
                                        -1,
                                        "maxTotalRAMSize",
                                        -1,
                                        "maxServerMeta",
                                        128,
                                        "maxImageMeta",
                                        128,
                                        "maxPersonality",
                                        5,
                                        "maxPersonalitySize",
                                        10240,
                                        "maxTotalKeypairs",
                                        100,
                                        "maxServerGroups",
                                        10,
                                        "maxServerGroupMembers",
                                        10,
                                        "totalRAMUsed",
                                        used * 64,
                                        "totalCoresUsed",
                                        used,
                                        "totalInstancesUsed",
                                        used,
                                        "totalServerGroupsUsed",
                                        0))));
    }
}
