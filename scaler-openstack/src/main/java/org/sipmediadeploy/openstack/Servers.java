package org.sipmediadeploy.openstack;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.openstack4j.api.Builders;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.model.common.ActionResponse;
import org.openstack4j.model.compute.ServerCreate;
import org.openstack4j.model.compute.builder.ServerCreateBuilder;
import org.sipmediadeploy.core.model.Server;
import org.sipmediadeploy.core.model.ServerMetadata;
import org.sipmediadeploy.core.model.ServerSpec;
import org.sipmediadeploy.core.model.ServerStatus;
import org.sipmediadeploy.core.port.CloudException;
import org.sipmediadeploy.core.port.CloudException.Kind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nova's part of the adapter: servers listed, found by decision, created and deleted. A create looks for its
 * decision's server first, so a retried one finds what an earlier try made.
 */
final class Servers {
    // The adapter's logger, as before these operations had a class of their own: operators filter on its name.
    private static final Logger LOG = LoggerFactory.getLogger(OpenStackCloud.class);
    /** Nova refuses user data above 65535 bytes once base64-encoded. */
    static final int MAX_USER_DATA_BASE64 = 65535;

    private static final Pattern REGEX_SPECIAL = Pattern.compile("[\\\\.^$|?*+()\\[\\]{}]");

    private final Keystone keystone;
    private final Edge edge;
    private final Names names;

    Servers(Keystone keystone, Edge edge, Names names) {
        this.keystone = keystone;
        this.edge = edge;
        this.names = names;
    }

    List<Server> list(String tag, String namePrefix) {
        // A null tag lists every server (a pair's bootstrap looks up members Terraform made by name alone).
        return edge.run(
                "listServers",
                () -> tagged(
                        keystone.client(),
                        tag,
                        namePrefix == null || namePrefix.isEmpty() ? null : "^" + regexLiteral(namePrefix)));
    }

    Optional<Server> get(String serverId) {
        Objects.requireNonNull(serverId, "serverId");
        return edge.run(
                "server",
                () -> Optional.ofNullable(keystone.client().compute().servers().get(serverId))
                        .map(Mapping::server));
    }

    Optional<Server> findByDecision(String tag, String decisionId) {
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(decisionId, "decisionId");
        return edge.run("findByDecision", () -> byDecision(tagged(keystone.client(), tag, null), decisionId));
    }

    Server create(ServerSpec spec) {
        Objects.requireNonNull(spec, "spec");
        String userData = spec.userData() == null
                ? null
                : Base64.getEncoder().encodeToString(spec.userData().getBytes(StandardCharsets.UTF_8));
        if (userData != null && userData.length() > MAX_USER_DATA_BASE64) {
            throw new CloudException(
                    Kind.BAD_REQUEST,
                    "createServer",
                    "user data of server '" + spec.name()
                            + "' is " + userData.length() + " bytes once base64-encoded; Nova accepts at most "
                            + MAX_USER_DATA_BASE64);
        }
        return edge.run("createServer", () -> {
            OSClientV3 c = keystone.client();
            // Look first: a create retried after a crash, a timeout or a lost answer finds its server. The
            // name narrows the listing (Nova cannot filter on metadata); the decision id decides.
            Optional<Server> existing =
                    byDecision(tagged(c, spec.tag(), "^" + regexLiteral(spec.name()) + "$"), spec.decisionId());
            if (existing.isPresent()) {
                LOG.info(
                        "server for decision {} exists already: {} ({})",
                        spec.decisionId(),
                        existing.get().id(),
                        existing.get().status());
                return existing.get();
            }
            ServerCreateBuilder b = Builders.server()
                    .name(spec.name())
                    .image(names.image(c, spec.image()))
                    .flavor(names.flavor(c, spec.flavor()))
                    .addMetadata(spec.metadata());
            if (spec.portId() != null) {
                // The port carries the fixed address and the security groups (Nova ignores groups given here).
                b.addNetworkPort(spec.portId());
            } else {
                b.networks(List.of(names.network(c, spec.network())));
                for (String sg : spec.securityGroups()) {
                    b.addSecurityGroup(sg);
                }
            }
            if (spec.keyPair() != null) {
                b.keypairName(spec.keyPair());
            }
            if (spec.availabilityZone() != null) {
                b.availabilityZone(spec.availabilityZone());
            }
            if (userData != null) {
                b.userData(userData);
            }
            ServerCreate create = b.build();
            org.openstack4j.model.compute.Server booted = c.compute().servers().boot(create);
            if (booted == null || booted.getId() == null) {
                throw new CloudException(
                        Kind.TRANSIENT,
                        "createServer",
                        "Nova accepted server '" + spec.name() + "' without returning its id");
            }
            LOG.info("created server {} '{}' for decision {}", booted.getId(), spec.name(), spec.decisionId());
            return new Server(booted.getId(), spec.name(), ServerStatus.BUILD, spec.metadata(), List.of(), null);
        });
    }

    void delete(String serverId) {
        Objects.requireNonNull(serverId, "serverId");
        edge.run("deleteServer", () -> {
            ActionResponse r = keystone.client().compute().servers().delete(serverId);
            if (r.isSuccess() || r.getCode() == 404) {
                return null;
            }
            throw Errors.fromStatus("deleteServer", r.getCode(), r.getFault());
        });
    }

    /** Servers carrying {@code tag} (every server when it is null) whose name matches {@code nameRegex}. */
    private static List<Server> tagged(OSClientV3 c, String tag, String nameRegex) {
        Map<String, String> filter = nameRegex == null ? Map.of() : Map.of("name", nameRegex);
        List<Server> out = new ArrayList<>();
        for (org.openstack4j.model.compute.Server s : c.compute().servers().list(filter)) {
            if (tag == null
                    || (s.getMetadata() != null && tag.equals(s.getMetadata().get(ServerMetadata.TAG)))) {
                out.add(Mapping.server(s));
            }
        }
        return out;
    }

    /** The server of a decision; if a bug ever made two, the oldest live one (the other is an orphan). */
    private static Optional<Server> byDecision(List<Server> servers, String decisionId) {
        return servers.stream()
                .filter(s -> decisionId.equals(s.metadata().get(ServerMetadata.DECISION)))
                .filter(s -> s.status() != ServerStatus.DELETED)
                .min(Comparator.comparing((Server s) -> s.created() == null ? Instant.MAX : s.created())
                        .thenComparing(Server::id));
    }

    /** Nova's name filter is a regular expression (evaluated by the database): escape the literal part. */
    static String regexLiteral(String s) {
        return REGEX_SPECIAL.matcher(s).replaceAll("\\\\$0");
    }
}
