package org.sipmediadeploy.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sipmediadeploy.sandbox.Resources.Image;

/** Glance v2 under {@code /image}: the version list and image list (filter {@code name}, {@code status}) / get. */
final class Glance {
    private static final String BASE = HttpFront.IMAGE + "/v2";

    private final ResourceStore store;
    private final String baseUrl;

    Glance(ResourceStore store, String baseUrl) {
        this.store = store;
        this.baseUrl = baseUrl;
    }

    String operation(ApiRequest req) {
        return req.path().startsWith(BASE + "/images/")
                ? "image.get"
                : req.path().startsWith(BASE + "/images") ? "image.list" : "image.version";
    }

    ApiResponse versions() {
        return ApiResponse.json(
                300,
                Json.obj(
                        "versions",
                        Json.list(Json.obj(
                                "id",
                                "v2.15",
                                "status",
                                "CURRENT",
                                "links",
                                Json.list(Json.obj("rel", "self", "href", baseUrl + BASE + "/"))))));
    }

    ApiResponse handle(ApiRequest req) {
        if (!req.method().equals("GET") || !req.path().startsWith(BASE)) {
            return Errors.glance(404, "Not Found", "The resource could not be found.");
        }
        String[] s = req.segments(BASE);
        if (s.length == 0 || !s[0].equals("images") || s.length > 2) {
            return Errors.glance(404, "Not Found", "The resource could not be found.");
        }
        return store.locked(() -> {
            if (s.length == 1) {
                String name = req.param("name");
                String status = req.param("status");
                List<Object> out = new ArrayList<>();
                for (Image i : store.images.values()) {
                    if ((name == null || name.equals(i.name())) && (status == null || status.equals("active"))) {
                        out.add(image(i));
                    }
                }
                String first = BASE.substring(HttpFront.IMAGE.length()) + "/images"
                        + (req.query().isEmpty() ? "" : "?" + queryString(req.query()));
                return ApiResponse.json(200, Json.obj("images", out, "first", first, "schema", "/v2/schemas/images"));
            }
            Image i = store.images.get(s[1]);
            if (i == null) {
                return Errors.glance(404, "Not Found", "No image found with ID " + s[1]);
            }
            return ApiResponse.json(200, image(i));
        });
    }

    private static String queryString(Map<String, List<String>> q) {
        StringBuilder sb = new StringBuilder();
        q.forEach((k, vs) -> vs.forEach(v ->
                sb.append(sb.length() == 0 ? "" : "&").append(k).append('=').append(v)));
        return sb.toString();
    }

    private Map<String, Object> image(Image i) {
        return Json.obj(
                "name",
                i.name(),
                "disk_format",
                "raw",
                "container_format",
                "bare",
                "visibility",
                "public",
                "size",
                1024,
                "virtual_size",
                1024,
                "status",
                "active",
                "checksum",
                "0f343b0931126a20f133d67c2b018a3b",
                "protected",
                false,
                "min_ram",
                0,
                "min_disk",
                0,
                "owner",
                store.projectId,
                "os_hidden",
                false,
                "os_hash_algo",
                "sha512",
                "os_hash_value",
                "",
                "id",
                i.id(),
                "created_at",
                Json.seconds(i.created()),
                "updated_at",
                Json.seconds(i.created()),
                "tags",
                Json.list(),
                "self",
                "/v2/images/" + i.id(),
                "file",
                "/v2/images/" + i.id() + "/file",
                "schema",
                "/v2/schemas/image",
                "stores",
                "fs");
    }
}
