package org.sipmediadeploy.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.sipmediadeploy.sandbox.Resources.Flavor;
import org.sipmediadeploy.sandbox.Resources.Image;
import org.sipmediadeploy.sandbox.Resources.Network;
import org.sipmediadeploy.sandbox.Resources.PortRec;
import org.sipmediadeploy.sandbox.Resources.ServerRec;

/**
 * Nova v2.1 under {@code /compute/v2.1}: servers (create, list, detail, get, delete, metadata, os-interface),
 * flavors, the image proxy (gone from microversion 2.36, as in Nova), limits and key pairs. Microversions are
 * negotiated from {@code OpenStack-API-Version} / {@code X-OpenStack-Nova-API-Version} (2.1 to 2.93) and echoed.
 */
final class Nova {
    static final int MAX_MINOR = 93;
    private static final String BASE = HttpFront.COMPUTE + "/v2.1";

    private final SandboxCloud cloud;
    private final ResourceStore store;
    private final String baseUrl;
    private final Set<String> keypairs = ConcurrentHashMap.newKeySet();

    Nova(SandboxCloud cloud, String baseUrl) {
        this.cloud = cloud;
        this.store = cloud.store;
        this.baseUrl = baseUrl;
        keypairs.add("sandbox-key");
    }

    private String v21() {
        return baseUrl + BASE;
    }

    private String bookmark() {
        return baseUrl + HttpFront.COMPUTE;
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
                                        Json.list(Json.obj("rel", "self", "href", bookmark() + "/v2/"))),
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
                                        Json.list(Json.obj("rel", "self", "href", v21() + "/"))))));
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
                                            Json.obj("rel", "self", "href", v21() + "/"),
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
            case "servers" -> servers(req, caller, s, mv, noValidHost);
            case "flavors" -> flavors(s);
            case "images" -> {
                if (mv >= 36) {
                    yield notFound(); // the image proxy is gone from 2.36: Glance it is
                }
                yield images(s);
            }
            case "limits" -> limits();
            case "os-keypairs" -> keypairs(req, s);
            default -> notFound();
        };
    }

    private static ApiResponse notFound() {
        return Errors.nova(404, "The resource could not be found.");
    }

    // ---------------------------------------------------------------- servers

    private ApiResponse servers(ApiRequest req, Caller caller, String[] s, int mv, boolean noValidHost) {
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
                return ApiResponse.json(200, Json.obj("server", detail(server, mv)));
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
            return notFound();
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
        if (keyName != null && !keypairs.contains(keyName)) {
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
                                        links("servers", rec.id),
                                        "OS-DCF:diskConfig",
                                        "MANUAL",
                                        "security_groups",
                                        sgs,
                                        "adminPass",
                                        rec.adminPass)))
                .with("Location", v21() + "/servers/" + rec.id);
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
                out.add(detail ? detail(s, mv) : Json.obj("id", s.id, "name", s.name, "links", links("servers", s.id)));
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

    private List<Object> links(String kind, String id) {
        return Json.list(
                Json.obj("rel", "self", "href", v21() + "/" + kind + "/" + id),
                Json.obj("rel", "bookmark", "href", bookmark() + "/" + kind + "/" + id));
    }

    /** The full server body, as the reference cloud writes it at 2.37 (flavor embedded from 2.47). */
    Map<String, Object> detail(ServerRec s, int mv) {
        Map<String, Object> addresses = new LinkedHashMap<>();
        if (!s.status.equals("BUILD") || s.launchedAt != null) {
            for (String pid : s.portIds) {
                PortRec p = store.ports.get(pid);
                if (p == null) {
                    continue;
                }
                Network net = store.networkOfPort(p);
                @SuppressWarnings("unchecked")
                List<Object> l = (List<Object>) addresses.computeIfAbsent(net.name(), k -> new ArrayList<>());
                l.add(Json.obj(
                        "version", 4, "addr", p.fixedIp, "OS-EXT-IPS:type", "fixed", "OS-EXT-IPS-MAC:mac_addr", p.mac));
            }
        }
        Map<String, Object> flavor;
        Flavor f = store.flavors.get(s.flavorId);
        if (mv >= 47 && f != null) {
            flavor = Json.obj(
                    "vcpus",
                    f.vcpus(),
                    "ram",
                    f.ram(),
                    "disk",
                    f.disk(),
                    "ephemeral",
                    0,
                    "swap",
                    0,
                    "original_name",
                    f.name(),
                    "extra_specs",
                    Json.obj());
        } else {
            flavor = Json.obj(
                    "id",
                    s.flavorId,
                    "links",
                    Json.list(Json.obj("rel", "bookmark", "href", bookmark() + "/flavors/" + s.flavorId)));
        }
        boolean active = s.launchedAt != null;
        Map<String, Object> m = Json.obj(
                "id",
                s.id,
                "name",
                s.name,
                "status",
                s.status,
                "tenant_id",
                s.projectId,
                "user_id",
                s.userId,
                "metadata",
                new LinkedHashMap<>(s.metadata),
                "hostId",
                active ? Integer.toHexString(s.id.hashCode()) + "sandbox" : "",
                "image",
                Json.obj(
                        "id",
                        s.imageId,
                        "links",
                        Json.list(Json.obj("rel", "bookmark", "href", bookmark() + "/images/" + s.imageId))),
                "flavor",
                flavor,
                "created",
                Json.seconds(s.created),
                "updated",
                Json.seconds(s.updated),
                "addresses",
                addresses,
                "accessIPv4",
                "",
                "accessIPv6",
                "",
                "links",
                links("servers", s.id),
                "OS-DCF:diskConfig",
                "MANUAL",
                "progress",
                0,
                "OS-EXT-AZ:availability_zone",
                s.availabilityZone,
                "config_drive",
                "",
                "key_name",
                s.keyName,
                "OS-SRV-USG:launched_at",
                Json.novaLaunched(s.launchedAt),
                "OS-SRV-USG:terminated_at",
                null);
        if (active) {
            List<Object> sgs = new ArrayList<>();
            s.securityGroups.forEach(g -> sgs.add(Json.obj("name", g)));
            m.put("security_groups", sgs);
        }
        m.put("OS-EXT-SRV-ATTR:host", active ? "sandbox" : null);
        m.put("OS-EXT-SRV-ATTR:instance_name", s.instanceName);
        m.put("OS-EXT-SRV-ATTR:hypervisor_hostname", active ? "sandbox" : null);
        m.put("OS-EXT-SRV-ATTR:reservation_id", s.reservationId);
        m.put("OS-EXT-SRV-ATTR:launch_index", 0);
        m.put("OS-EXT-SRV-ATTR:hostname", s.name);
        m.put("OS-EXT-SRV-ATTR:kernel_id", "");
        m.put("OS-EXT-SRV-ATTR:ramdisk_id", "");
        m.put("OS-EXT-SRV-ATTR:root_device_name", active ? "/dev/sda" : null);
        m.put("OS-EXT-SRV-ATTR:user_data", s.userData);
        m.put("OS-EXT-STS:task_state", s.taskState);
        m.put("OS-EXT-STS:vm_state", s.vmState);
        m.put("OS-EXT-STS:power_state", s.powerState);
        m.put("os-extended-volumes:volumes_attached", Json.list());
        m.put("host_status", active ? "UP" : "");
        m.put("locked", false);
        m.put("description", null);
        m.put("tags", Json.list());
        if (s.fault != null) {
            m.put("fault", s.fault);
        }
        return m;
    }

    // ---------------------------------------------------------------- flavors, images, limits, keypairs

    private ApiResponse flavors(String[] s) {
        return store.locked(() -> {
            if (s.length == 1 || (s.length == 2 && s[1].equals("detail"))) {
                boolean detail = s.length == 2;
                List<Object> out = new ArrayList<>();
                for (Flavor f : store.flavors.values()) {
                    out.add(
                            detail
                                    ? flavor(f)
                                    : Json.obj("id", f.id(), "name", f.name(), "links", links("flavors", f.id())));
                }
                return ApiResponse.json(200, Json.obj("flavors", out));
            }
            Flavor f = store.flavors.get(s[1]);
            if (f == null || s.length > 2) {
                return Errors.nova(404, "Flavor " + s[1] + " could not be found.");
            }
            return ApiResponse.json(200, Json.obj("flavor", flavor(f)));
        });
    }

    private Map<String, Object> flavor(Flavor f) {
        return Json.obj(
                "id",
                f.id(),
                "name",
                f.name(),
                "ram",
                f.ram(),
                "disk",
                f.disk(),
                "swap",
                "",
                "OS-FLV-EXT-DATA:ephemeral",
                0,
                "OS-FLV-DISABLED:disabled",
                false,
                "vcpus",
                f.vcpus(),
                "os-flavor-access:is_public",
                true,
                "rxtx_factor",
                1.0,
                "links",
                links("flavors", f.id()));
    }

    private ApiResponse images(String[] s) {
        return store.locked(() -> {
            if (s.length == 1 || (s.length == 2 && s[1].equals("detail"))) {
                boolean detail = s.length == 2;
                List<Object> out = new ArrayList<>();
                for (Image i : store.images.values()) {
                    out.add(detail ? novaImage(i) : Json.obj("id", i.id(), "name", i.name(), "links", imageLinks(i)));
                }
                return ApiResponse.json(200, Json.obj("images", out));
            }
            Image i = store.images.get(s[1]);
            if (i == null || s.length > 2) {
                return Errors.nova(404, "Image not found.");
            }
            return ApiResponse.json(200, Json.obj("image", novaImage(i)));
        });
    }

    private List<Object> imageLinks(Image i) {
        List<Object> l = links("images", i.id());
        l.add(Json.obj(
                "rel",
                "alternate",
                "type",
                "application/vnd.openstack.image",
                "href",
                baseUrl + HttpFront.IMAGE + "/images/" + i.id()));
        return l;
    }

    private Map<String, Object> novaImage(Image i) {
        return Json.obj(
                "id",
                i.id(),
                "name",
                i.name(),
                "minRam",
                0,
                "minDisk",
                0,
                "metadata",
                Json.obj(),
                "created",
                Json.seconds(i.created()),
                "updated",
                Json.seconds(i.created()),
                "status",
                "ACTIVE",
                "progress",
                100,
                "OS-EXT-IMG-SIZE:size",
                1024,
                "links",
                imageLinks(i));
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

    private ApiResponse keypairs(ApiRequest req, String[] s) {
        if (s.length == 1 && req.method().equals("GET")) {
            List<Object> out = new ArrayList<>();
            for (String k : keypairs) {
                out.add(Json.obj(
                        "keypair",
                        Json.obj(
                                "name",
                                k,
                                "public_key",
                                "ssh-ed25519 AAAA sandbox",
                                "fingerprint",
                                "00:00",
                                "type",
                                "ssh")));
            }
            return ApiResponse.json(200, Json.obj("keypairs", out));
        }
        if (s.length == 1 && req.method().equals("POST")) {
            JsonNode body = req.json();
            String name = body == null ? null : Json.text(body.path("keypair"), "name");
            if (name == null) {
                return Errors.nova(400, "Invalid input for field/attribute keypair.");
            }
            if (!keypairs.add(name)) {
                return Errors.nova(409, "Key pair '" + name + "' already exists.");
            }
            return ApiResponse.json(
                    200,
                    Json.obj(
                            "keypair",
                            Json.obj(
                                    "name",
                                    name,
                                    "public_key",
                                    Json.text(body.path("keypair"), "public_key"),
                                    "fingerprint",
                                    "00:00",
                                    "type",
                                    "ssh",
                                    "user_id",
                                    null)));
        }
        if (s.length == 2 && req.method().equals("DELETE")) {
            if (!keypairs.remove(s[1])) {
                return Errors.nova(404, "Keypair " + s[1] + " not found.");
            }
            return new ApiResponse(202, Map.of(), null);
        }
        return notFound();
    }
}
