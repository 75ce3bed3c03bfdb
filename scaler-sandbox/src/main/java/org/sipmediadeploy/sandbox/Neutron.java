package org.sipmediadeploy.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.sipmediadeploy.sandbox.Resources.FipRec;
import org.sipmediadeploy.sandbox.Resources.Network;
import org.sipmediadeploy.sandbox.Resources.PortRec;
import org.sipmediadeploy.sandbox.Resources.SecurityGroup;

/**
 * Neutron v2.0 under {@code /network/v2.0}: networks, subnets, ports (list with filters such as
 * {@code device_id}, get, create, delete), floating IPs (list, get, create, update of {@code port_id} with
 * {@code revision_number} and {@code If-Match: revision_number=N} → 412, delete), security groups, quotas and
 * the extension list of the reference cloud (which includes {@code revision-if-match}).
 */
final class Neutron {
    private static final String BASE = HttpFront.NETWORK + "/v2.0";
    private static final Set<String> NOT_FILTERS =
            Set.of("fields", "limit", "marker", "sort_key", "sort_dir", "page_reverse", "fixed_ips");

    private final SandboxCloud cloud;
    private final ResourceStore store;
    private final String baseUrl;
    private final byte[] extensions;
    private final NeutronShapes shapes;

    Neutron(SandboxCloud cloud, String baseUrl) {
        this.cloud = cloud;
        this.store = cloud.store;
        this.baseUrl = baseUrl;
        this.shapes = new NeutronShapes(cloud);
        try (InputStream in = Neutron.class.getResourceAsStream("neutron-extensions.json")) {
            if (in == null) {
                throw new IllegalStateException("neutron-extensions.json missing from the jar");
            }
            extensions = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String operation(ApiRequest req) {
        String[] s = req.path().startsWith(BASE) ? req.segments(BASE) : new String[0];
        if (s.length == 0) {
            return "network.version";
        }
        String kind = s[0].equals("floatingips") ? "floatingip" : s[0].replaceAll("s$", "");
        String m = req.method();
        if (s.length == 1) {
            return kind + (m.equals("POST") ? ".create" : ".list");
        }
        return kind + (m.equals("PUT") ? ".update" : m.equals("DELETE") ? ".delete" : ".get");
    }

    ApiResponse versions() {
        return ApiResponse.json(
                200,
                Json.obj(
                        "versions",
                        Json.list(Json.obj(
                                "id",
                                "v2.0",
                                "status",
                                "CURRENT",
                                "links",
                                Json.list(Json.obj("rel", "self", "href", baseUrl + BASE + "/"))))));
    }

    ApiResponse handle(ApiRequest req, Caller caller) {
        try {
            return route(req, caller);
        } catch (ApiException e) {
            return e.response();
        }
    }

    private static ApiResponse notFound() {
        return Errors.neutron(404, "HTTPNotFound", "The resource could not be found.");
    }

    private ApiResponse route(ApiRequest req, Caller caller) {
        if (!req.path().startsWith(BASE)) {
            return notFound();
        }
        String[] s = req.segments(BASE);
        if (s.length == 0) {
            return notFound();
        }
        String m = req.method();
        return switch (s[0]) {
            case "extensions" ->
                s.length == 1
                        ? new ApiResponse(200, Map.of("Content-Type", "application/json"), extensions)
                        : notFound();
            case "networks" ->
                readOnly(req, s, "network", "NetworkNotFound", "Network", this::networks, shapes::network);
            case "subnets" -> readOnly(req, s, "subnet", "SubnetNotFound", "Subnet", this::subnets, shapes::subnet);
            case "security-groups" -> {
                if (s.length == 1 && m.equals("POST")) {
                    JsonNode g = req.json() == null ? null : req.json().get("security_group");
                    String name = g == null ? null : Json.text(g, "name");
                    if (name == null) {
                        yield Errors.neutron(400, "HTTPBadRequest", "Invalid input for operation: name missing.");
                    }
                    SecurityGroup sg = store.addSecurityGroup(name, Json.text(g, "description"));
                    cloud.events.record("security_group.create", caller, sg.id(), 201, "ok", Map.of("name", name));
                    yield ApiResponse.json(201, Json.obj("security_group", shapes.securityGroup(sg)));
                }
                yield readOnly(
                        req,
                        s,
                        "security_group",
                        "SecurityGroupNotFound",
                        "Security group",
                        this::securityGroups,
                        shapes::securityGroup);
            }
            case "ports" -> ports(req, caller, s);
            case "floatingips" -> floatingIps(req, caller, s);
            case "quotas" -> {
                if (s.length == 2 && m.equals("GET")) {
                    yield ApiResponse.json(
                            200,
                            Json.obj(
                                    "quota",
                                    Json.obj(
                                            "network",
                                            -1,
                                            "subnet",
                                            -1,
                                            "subnetpool",
                                            -1,
                                            "port",
                                            -1,
                                            "router",
                                            -1,
                                            "floatingip",
                                            cloud.config.maxFloatingIps(),
                                            "rbac_policy",
                                            10,
                                            "security_group",
                                            -1,
                                            "security_group_rule",
                                            -1)));
                }
                yield notFound();
            }
            default -> notFound();
        };
    }

    private <T> ApiResponse readOnly(
            ApiRequest req,
            String[] s,
            String singular,
            String notFoundType,
            String noun,
            Function<Void, List<T>> all,
            Function<T, Map<String, Object>> render) {
        if (!req.method().equals("GET") || s.length > 2) {
            return notFound();
        }
        return store.locked(() -> {
            List<Map<String, Object>> items = new ArrayList<>();
            for (T t : all.apply(null)) {
                items.add(render.apply(t));
            }
            if (s.length == 1) {
                return ApiResponse.json(200, Json.obj(s[0].replace('-', '_'), filter(items, req)));
            }
            for (Map<String, Object> i : items) {
                if (s[1].equals(i.get("id"))) {
                    return ApiResponse.json(200, Json.obj(singular, i));
                }
            }
            return Errors.neutron(404, notFoundType, noun + " " + s[1] + " could not be found.");
        });
    }

    /** Neutron's list filtering: every query parameter naming a field keeps the items equal to one of its values. */
    private static List<Object> filter(List<Map<String, Object>> items, ApiRequest req) {
        List<Object> out = new ArrayList<>();
        for (Map<String, Object> item : items) {
            boolean keep = true;
            for (Map.Entry<String, List<String>> q : req.query().entrySet()) {
                if (NOT_FILTERS.contains(q.getKey()) || !item.containsKey(q.getKey())) {
                    continue;
                }
                Object v = item.get(q.getKey());
                String actual = v == null ? "" : String.valueOf(v);
                boolean any = false;
                for (String wanted : q.getValue()) {
                    any |= actual.equalsIgnoreCase(wanted);
                }
                keep &= any;
            }
            if (keep) {
                out.add(item);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- networks, subnets, groups

    private List<Network> networks(Void v) {
        return List.copyOf(store.networks.values());
    }

    private List<Network> subnets(Void v) {
        return List.copyOf(store.networks.values());
    }

    private List<SecurityGroup> securityGroups(Void v) {
        return List.copyOf(store.securityGroups.values());
    }

    // ---------------------------------------------------------------- ports

    private ApiResponse ports(ApiRequest req, Caller caller, String[] s) {
        String m = req.method();
        if (s.length == 1 && m.equals("POST")) {
            JsonNode p = req.json() == null ? null : req.json().get("port");
            String net = p == null ? null : Json.text(p, "network_id");
            if (net == null) {
                return Errors.neutron(
                        400,
                        "HTTPBadRequest",
                        "Failed to parse request. Required attribute " + "'network_id' not specified");
            }
            String fixed = null;
            JsonNode ips = p.get("fixed_ips");
            if (ips != null && ips.isArray() && ips.size() > 0) {
                fixed = Json.text(ips.get(0), "ip_address");
            }
            PortRec rec = cloud.networking.createPort(caller, net, Json.text(p, "name"), fixed);
            JsonNode groups = p.get("security_groups");
            return store.locked(() -> {
                if (groups != null && groups.isArray()) {
                    rec.securityGroupIds.clear();
                    groups.forEach(g -> rec.securityGroupIds.add(g.asText()));
                }
                return ApiResponse.json(201, Json.obj("port", shapes.port(rec)));
            });
        }
        if (s.length == 2 && m.equals("DELETE")) {
            cloud.networking.deletePort(caller, s[1]);
            return new ApiResponse(204, Map.of(), null);
        }
        if (!m.equals("GET") || s.length > 2) {
            return notFound();
        }
        return store.locked(() -> {
            if (s.length == 1) {
                List<Map<String, Object>> items = new ArrayList<>();
                store.ports.values().forEach(p -> items.add(shapes.port(p)));
                List<Object> filtered = filter(items, req);
                String ip = req.param("fixed_ips");
                if (ip != null && ip.startsWith("ip_address=")) {
                    String want = ip.substring("ip_address=".length());
                    filtered.removeIf(o -> !String.valueOf(o).contains("ip_address=" + want + "}")
                            && !String.valueOf(o).contains("ip_address=" + want + ","));
                }
                return ApiResponse.json(200, Json.obj("ports", filtered));
            }
            PortRec p = store.ports.get(s[1]);
            if (p == null) {
                return Errors.neutron(404, "PortNotFound", "Port " + s[1] + " could not be found.");
            }
            return ApiResponse.json(200, Json.obj("port", shapes.port(p)));
        });
    }

    // ---------------------------------------------------------------- floating IPs

    private ApiResponse floatingIps(ApiRequest req, Caller caller, String[] s) {
        String m = req.method();
        if (s.length == 1 && m.equals("POST")) {
            JsonNode f = req.json() == null ? null : req.json().get("floatingip");
            String net = f == null ? null : Json.text(f, "floating_network_id");
            if (net == null) {
                return Errors.neutron(
                        400,
                        "HTTPBadRequest",
                        "Failed to parse request. Required attribute " + "'floating_network_id' not specified");
            }
            FipRec rec = cloud.networking.createFloatingIp(
                    caller,
                    net,
                    Json.text(f, "floating_ip_address"),
                    Json.text(f, "port_id"),
                    Json.text(f, "description"));
            return store.locked(() -> {
                return ApiResponse.json(201, Json.obj("floatingip", shapes.fip(rec)));
            });
        }
        if (s.length == 2 && m.equals("PUT")) {
            JsonNode f = req.json() == null ? null : req.json().get("floatingip");
            if (f == null || !f.isObject()) {
                return Errors.neutron(400, "HTTPBadRequest", "Resource body required");
            }
            long ifMatch = -1;
            String header = req.header("If-Match");
            if (header != null) {
                String h = header.trim();
                if (!h.startsWith("revision_number=")) {
                    return Errors.neutron(400, "HTTPBadRequest", "If-Match header without revision_number.");
                }
                try {
                    ifMatch = Long.parseLong(h.substring("revision_number=".length()));
                } catch (NumberFormatException e) {
                    return Errors.neutron(400, "HTTPBadRequest", "Invalid revision_number in If-Match header.");
                }
            }
            FipRec rec = cloud.networking.updateFloatingIp(
                    caller, s[1], f.has("port_id"), Json.text(f, "port_id"), Json.text(f, "description"), ifMatch);
            return store.locked(() -> {
                return ApiResponse.json(200, Json.obj("floatingip", shapes.fip(rec)));
            });
        }
        if (s.length == 2 && m.equals("DELETE")) {
            cloud.networking.deleteFloatingIp(caller, s[1]);
            return new ApiResponse(204, Map.of(), null);
        }
        if (!m.equals("GET") || s.length > 2) {
            return notFound();
        }
        return store.locked(() -> {
            if (s.length == 1) {
                List<Map<String, Object>> items = new ArrayList<>();
                store.floatingIps.values().forEach(f -> items.add(shapes.fip(f)));
                return ApiResponse.json(200, Json.obj("floatingips", filter(items, req)));
            }
            FipRec f = store.floatingIps.get(s[1]);
            if (f == null) {
                return Errors.neutron(404, "FloatingIPNotFound", "Floating IP " + s[1] + " could not be found");
            }
            return ApiResponse.json(200, Json.obj("floatingip", shapes.fip(f)));
        });
    }
}
