package org.sipmediadeploy.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.sipmediadeploy.sandbox.Resources.PortRec;
import org.sipmediadeploy.sandbox.Resources.ServerRec;

/**
 * Nova's servers: create (the body's checks here, the cloud's in {@link SandboxCloud}), list and detail with
 * Nova's {@code name}, {@code status}, {@code limit} and {@code marker}, get, delete, metadata and os-interface.
 */
final class NovaServers {
    private final SandboxCloud cloud;
    private final ResourceStore store;
    private final NovaShapes shapes;
    private final NovaKeypairs keypairs;

    NovaServers(SandboxCloud cloud, NovaShapes shapes, NovaKeypairs keypairs) {
        this.cloud = cloud;
        this.store = cloud.store;
        this.shapes = shapes;
        this.keypairs = keypairs;
    }

    ApiResponse handle(ApiRequest req, Caller caller, String[] s, int mv, boolean noValidHost) {
        String m = req.method();
        if (s.length == 1 && m.equals("POST")) {
            return create(req, caller, mv, noValidHost);
        }
        if (s.length == 1 && m.equals("GET")) {
            return list(req, false, mv);
        }
        if (s.length == 2 && s[1].equals("detail") && m.equals("GET")) {
            return list(req, true, mv);
        }
        String id = s[1];
        if (s.length == 2 && m.equals("DELETE")) {
            cloud.deleteServer(caller, id);
            cloud.events.record("server.delete", caller, id, 204, "ok", Map.of());
            return ApiResponse.empty(204);
        }
        return store.locked(() -> {
            ServerRec server = store.servers.get(id);
            if (server == null) {
                return Errors.nova(404, "Instance " + id + " could not be found.");
            }
            if (s.length == 2 && m.equals("GET")) {
                return ApiResponse.json(200, Json.obj("server", shapes.detail(server, mv)));
            }
            if (s.length == 3 && s[2].equals("metadata") && m.equals("GET")) {
                return ApiResponse.json(200, Json.obj("metadata", server.metadata));
            }
            if (s.length == 3 && s[2].equals("os-interface") && m.equals("GET")) {
                List<Object> att = new ArrayList<>();
                for (String pid : server.portIds) {
                    PortRec p = store.ports.get(pid);
                    if (p != null) {
                        att.add(Json.obj(
                                "net_id",
                                p.networkId,
                                "port_id",
                                p.id,
                                "mac_addr",
                                p.mac,
                                "port_state",
                                p.status,
                                "fixed_ips",
                                Json.list(Json.obj("subnet_id", p.subnetId, "ip_address", p.fixedIp))));
                    }
                }
                return ApiResponse.json(200, Json.obj("interfaceAttachments", att));
            }
            return Nova.notFound();
        });
    }

    private ApiResponse create(ApiRequest req, Caller caller, int mv, boolean noValidHost) {
        JsonNode body = req.json();
        JsonNode server = body == null ? null : body.get("server");
        if (server == null || !server.isObject()) {
            return Errors.nova(
                    400, "Invalid input for field/attribute server. Value: None. 'server' is a required " + "property");
        }
        String name = Json.text(server, "name");
        if (name == null || name.isBlank() || name.length() > 255) {
            return Errors.nova(400, "Invalid input for field/attribute name.");
        }
        String imageRef = lastSegment(Json.text(server, "imageRef"));
        String flavorRef = lastSegment(Json.text(server, "flavorRef"));
        if (flavorRef == null) {
            return Errors.nova(400, "Invalid input for field/attribute server. 'flavorRef' is a required property");
        }
        if (imageRef == null) {
            return Errors.nova(400, "Missing imageRef attribute");
        }
        List<SandboxCloud.NetworkRequest> nets = new ArrayList<>();
        JsonNode networks = server.get("networks");
        if (networks == null || networks.isNull()) {
            if (mv >= 37) {
                return Errors.nova(400, "Invalid input for field/attribute server. 'networks' is a required property");
            }
        } else if (networks.isTextual()) {
            if (!networks.asText().equals("auto") && !networks.asText().equals("none")) {
                return Errors.nova(400, "Invalid input for field/attribute networks.");
            }
        } else {
            for (JsonNode n : networks) {
                nets.add(new SandboxCloud.NetworkRequest(
                        Json.text(n, "uuid"), Json.text(n, "port"), Json.text(n, "fixed_ip")));
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode md = server.get("metadata");
        if (md != null && md.isObject()) {
            if (md.size() > 128) {
                return Errors.nova(
                        403,
                        "Quota exceeded for metadata_items: Requested " + md.size()
                                + ", but already used 0 of 128 metadata_items");
            }
            for (Map.Entry<String, JsonNode> e : md.properties()) {
                if (e.getKey().isEmpty()
                        || e.getKey().length() > 255
                        || e.getValue().asText().length() > 255) {
                    return Errors.nova(400, "Invalid input for field/attribute metadata.");
                }
                metadata.put(e.getKey(), e.getValue().asText());
            }
        }
        String userData = Json.text(server, "user_data");
        if (userData != null) {
            try {
                byte[] decoded = Base64.getMimeDecoder().decode(userData.getBytes(StandardCharsets.US_ASCII));
                if (decoded.length > 65535 || !userData.matches("[A-Za-z0-9+/=\\s]*")) {
                    throw new IllegalArgumentException("bad");
                }
            } catch (IllegalArgumentException e) {
                return Errors.nova(400, "User data needs to be valid base 64.");
            }
        }
        String keyName = Json.text(server, "key_name");
        if (keyName != null && !keypairs.exists(keyName)) {
            return Errors.nova(400, "Invalid key_name provided.");
        }
        List<String> groups = new ArrayList<>();
        JsonNode sg = server.get("security_groups");
        if (sg != null && sg.isArray()) {
            sg.forEach(g -> groups.add(Json.text(g, "name")));
        }
        ServerRec rec = cloud.createServer(
                caller, name, imageRef, flavorRef, nets, metadata, userData, keyName, groups, noValidHost);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("name", name);
        metadata.forEach((k, v) -> details.put("metadata." + k, v));
        if (noValidHost) {
            details.put("fault", "no valid host");
        }
        cloud.events.record("server.create", caller, rec.id, 202, "ok", details);
        List<Object> sgs = new ArrayList<>();
        rec.securityGroups.forEach(g -> sgs.add(Json.obj("name", g)));
        return ApiResponse.json(
                        202,
                        Json.obj(
                                "server",
                                Json.obj(
                                        "id",
                                        rec.id,
                                        "links",
                                        shapes.links("servers", rec.id),
                                        "OS-DCF:diskConfig",
                                        "MANUAL",
                                        "security_groups",
                                        sgs,
                                        "adminPass",
                                        rec.adminPass)))
                .with("Location", shapes.v21() + "/servers/" + rec.id);
    }

    private static String lastSegment(String ref) {
        if (ref == null) {
            return null;
        }
        int slash = ref.lastIndexOf('/');
        return slash >= 0 ? ref.substring(slash + 1) : ref;
    }

    private ApiResponse list(ApiRequest req, boolean detail, int mv) {
        String nameFilter = req.param("name");
        String statusFilter = req.param("status");
        Pattern pattern = namePattern(nameFilter);
        int limit = parseInt(req.param("limit"), 1000);
        String marker = req.param("marker");
        List<Object> out = new ArrayList<>();
        return store.locked(() -> {
            boolean afterMarker = marker == null;
            for (ServerRec s : store.servers.values()) {
                if (!afterMarker) {
                    afterMarker = s.id.equals(marker);
                    continue;
                }
                if (pattern != null && !pattern.matcher(s.name).find()) {
                    continue;
                }
                if (statusFilter != null && !statusFilter.equalsIgnoreCase(s.status)) {
                    continue;
                }
                if (out.size() >= limit) {
                    break;
                }
                out.add(
                        detail
                                ? shapes.detail(s, mv)
                                : Json.obj("id", s.id, "name", s.name, "links", shapes.links("servers", s.id)));
            }
            if (!afterMarker) {
                return Errors.nova(400, "marker [" + marker + "] not found");
            }
            return ApiResponse.json(200, Json.obj("servers", out));
        });
    }

    /** Nova's {@code name} filter is a regular expression search; one that does not compile is a literal. */
    private static Pattern namePattern(String nameFilter) {
        if (nameFilter == null) {
            return null;
        }
        try {
            return Pattern.compile(nameFilter);
        } catch (PatternSyntaxException e) {
            return Pattern.compile(Pattern.quote(nameFilter));
        }
    }

    private static int parseInt(String v, int dflt) {
        try {
            return v == null ? dflt : Math.max(0, Integer.parseInt(v));
        } catch (NumberFormatException e) {
            return dflt;
        }
    }
}
