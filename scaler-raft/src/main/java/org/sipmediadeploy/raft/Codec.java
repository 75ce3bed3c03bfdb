package org.sipmediadeploy.raft;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.model.ArrivalHistory;
import org.sipmediadeploy.core.model.ProbeStatus;
import org.sipmediadeploy.core.model.ScalerMembers;
import org.sipmediadeploy.core.state.ClusterState;

/**
 * The stable, versioned wire and snapshot encoding: JSON inside an envelope {@code {"v":1,"type":T,"body":...}}.
 * Log entries and snapshots outlive the binary that wrote them, so every type name here is part of the format:
 * a renamed Java class keeps its wire name, and an unknown version, type or decision kind is refused with an
 * exception naming it (a node must never apply an entry it does not understand).
 *
 * <p>Decisions inside commands and state carry a {@code "kind"} property; the names are listed in
 * {@link DecisionMixin} and must never be reused for another meaning.
 */
public final class Codec {
    /** The only version this code reads and writes. */
    public static final int VERSION = 1;

    static final String STATE_TYPE = "ClusterState";
    static final String PROBE_QUERY_TYPE = "ProbeQuery";
    static final String PROBE_ANSWER_TYPE = "ProbeAnswer";
    static final String COMMIT_REPLY_TYPE = "CommitReply";

    /** Wire names of the commands (never derived from class names, which may be refactored). */
    private static final Map<Class<? extends Command>, String> COMMAND_NAMES = Map.of(
            Command.InitPair.class, "InitPair",
            Command.InitPool.class, "InitPool",
            Command.Propose.class, "Propose",
            Command.RecordOutcome.class, "RecordOutcome",
            Command.SetPairMode.class, "SetPairMode",
            Command.SetPoolMode.class, "SetPoolMode",
            Command.SyncScalers.class, "SyncScalers",
            Command.RecordStep.class, "RecordStep",
            Command.SetAlarms.class, "SetAlarms",
            Command.RecordArrivals.class, "RecordArrivals");

    private static final Map<String, Class<? extends Command>> COMMAND_TYPES = invert(COMMAND_NAMES);

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addMixIn(Decision.class, DecisionMixin.class)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .build();

    private Codec() {}

    /** Decision kinds on the wire. Adding a kind is compatible; renaming or removing one is a new version. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Decision.Failover.class, name = "Failover"),
        @JsonSubTypes.Type(value = Decision.Reassociate.class, name = "Reassociate"),
        @JsonSubTypes.Type(value = Decision.ReplaceMember.class, name = "ReplaceMember"),
        @JsonSubTypes.Type(value = Decision.HoldPair.class, name = "HoldPair"),
        @JsonSubTypes.Type(value = Decision.CreateHost.class, name = "CreateHost"),
        @JsonSubTypes.Type(value = Decision.HostReady.class, name = "HostReady"),
        @JsonSubTypes.Type(value = Decision.DrainHost.class, name = "DrainHost"),
        @JsonSubTypes.Type(value = Decision.UndrainHost.class, name = "UndrainHost"),
        @JsonSubTypes.Type(value = Decision.DeleteHost.class, name = "DeleteHost"),
        @JsonSubTypes.Type(value = Decision.DeleteOrphan.class, name = "DeleteOrphan"),
        @JsonSubTypes.Type(value = Decision.AdoptHost.class, name = "AdoptHost"),
        @JsonSubTypes.Type(value = Decision.ReplaceScaler.class, name = "ReplaceScaler")
    })
    abstract static class DecisionMixin {}

    public static byte[] encodeCommand(Command c) {
        String type = COMMAND_NAMES.get(Objects.requireNonNull(c, "command").getClass());
        if (type == null) {
            throw new AssertionError(c);
        }
        return envelope(type, MAPPER.valueToTree(c));
    }

    public static Command decodeCommand(byte[] bytes) {
        Envelope e = open(bytes);
        Class<? extends Command> cls = COMMAND_TYPES.get(e.type());
        if (cls == null) {
            throw new CodecException("unknown command type '" + e.type() + "'");
        }
        return body(e, cls);
    }

    public static byte[] encodeState(ClusterState s) {
        return envelope(STATE_TYPE, MAPPER.valueToTree(Objects.requireNonNull(s, "state")));
    }

    public static ClusterState decodeState(byte[] bytes) {
        Envelope e = open(bytes);
        expect(e, STATE_TYPE);
        if (!e.body().has(SCALERS)) {
            // Written before self-healing: no record of the scaler members yet (the leader syncs it from the Raft
            // configuration). Adding a field with an explicit default is compatible; anything else is refused.
            ((ObjectNode) e.body()).set(SCALERS, MAPPER.valueToTree(ScalerMembers.EMPTY));
        }
        if (!e.body().has(ALARMS)) {
            // Written before alarms were replicated: none.
            ((ObjectNode) e.body()).set(ALARMS, MAPPER.createObjectNode());
        }
        JsonNode pools = e.body().get(POOLS);
        if (pools != null && pools.isObject()) {
            for (JsonNode pool : pools) {
                if (pool.isObject() && !pool.has(ARRIVALS)) {
                    // Written before the learnt demand was replicated: none learnt yet.
                    ((ObjectNode) pool).set(ARRIVALS, MAPPER.valueToTree(ArrivalHistory.EMPTY));
                }
            }
        }
        return body(e, ClusterState.class);
    }

    private static final String SCALERS = "scalers";
    private static final String ALARMS = "alarms";
    private static final String POOLS = "pools";
    private static final String ARRIVALS = "arrivals";

    /** "Do you see {@code targetKey}?", asked of one peer. */
    static byte[] encodeProbeQuery(String targetKey) {
        ObjectNode body = MAPPER.createObjectNode().put("target", Objects.requireNonNull(targetKey));
        return envelope(PROBE_QUERY_TYPE, body);
    }

    static String decodeProbeQuery(byte[] bytes) {
        Envelope e = open(bytes);
        expect(e, PROBE_QUERY_TYPE);
        JsonNode t = e.body().get("target");
        if (t == null || !t.isTextual()) {
            throw new CodecException("probe query without a target");
        }
        return t.asText();
    }

    /** A peer's own verdict on a target; {@code null} when it has none. */
    static byte[] encodeProbeAnswer(ProbeStatus status) {
        ObjectNode body = MAPPER.createObjectNode();
        if (status == null) {
            body.putNull("status");
        } else {
            body.put("status", status.name());
        }
        return envelope(PROBE_ANSWER_TYPE, body);
    }

    static ProbeStatus decodeProbeAnswer(byte[] bytes) {
        Envelope e = open(bytes);
        expect(e, PROBE_ANSWER_TYPE);
        JsonNode s = e.body().get("status");
        if (s == null || s.isNull()) {
            return null;
        }
        try {
            return ProbeStatus.valueOf(s.asText());
        } catch (IllegalArgumentException x) {
            throw new CodecException("unknown probe status '" + s.asText() + "'", x);
        }
    }

    /** What applying a log entry returned to its proposer. */
    record CommitReply(long index, long term, String refusal) {}

    static byte[] encodeReply(CommitReply r) {
        ObjectNode body = MAPPER.createObjectNode().put("index", r.index()).put("term", r.term());
        if (r.refusal() != null) {
            body.put("refusal", r.refusal());
        }
        return envelope(COMMIT_REPLY_TYPE, body);
    }

    static CommitReply decodeReply(byte[] bytes) {
        Envelope e = open(bytes);
        expect(e, COMMIT_REPLY_TYPE);
        JsonNode refusal = e.body().get("refusal");
        return new CommitReply(
                e.body().path("index").asLong(-1),
                e.body().path("term").asLong(-1),
                refusal == null || refusal.isNull() ? null : refusal.asText());
    }

    private record Envelope(String type, JsonNode body) {}

    private static byte[] envelope(String type, JsonNode body) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("v", VERSION);
        root.put("type", type);
        root.set("body", body);
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new CodecException("cannot encode " + type, e);
        }
    }

    private static Envelope open(byte[] bytes) {
        JsonNode root;
        try {
            root = MAPPER.readTree(Objects.requireNonNull(bytes, "bytes"));
        } catch (IOException e) {
            throw new CodecException("not a JSON envelope: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CodecException("not a JSON envelope: " + preview(bytes));
        }
        JsonNode v = root.get("v");
        if (v == null || !v.isInt()) {
            throw new CodecException("envelope without an integer version: " + preview(bytes));
        }
        if (v.asInt() != VERSION) {
            throw new CodecException(
                    "unsupported encoding version " + v.asInt() + " (this node reads " + VERSION + ")");
        }
        JsonNode type = root.get("type");
        JsonNode body = root.get("body");
        if (type == null || !type.isTextual()) {
            throw new CodecException("envelope without a type");
        }
        if (body == null || !body.isObject()) {
            throw new CodecException("envelope of type '" + type.asText() + "' without a body");
        }
        return new Envelope(type.asText(), body);
    }

    private static void expect(Envelope e, String type) {
        if (!type.equals(e.type())) {
            throw new CodecException(
                    "expected type '" + type + "', found unknown or unexpected type '" + e.type() + "'");
        }
    }

    private static <T> T body(Envelope e, Class<T> cls) {
        try {
            return MAPPER.treeToValue(e.body(), cls);
        } catch (JsonProcessingException x) {
            // Jackson names the offending type id or property (e.g. "Could not resolve type id 'Foo'").
            throw new CodecException("cannot decode " + e.type() + ": " + x.getOriginalMessage(), x);
        } catch (IllegalArgumentException | NullPointerException x) {
            throw new CodecException("invalid " + e.type() + ": " + x.getMessage(), x);
        }
    }

    private static String preview(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8);
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    private static <K, V> Map<V, K> invert(Map<K, V> m) {
        java.util.HashMap<V, K> out = new java.util.HashMap<>();
        m.forEach((k, v) -> out.put(v, k));
        return Map.copyOf(out);
    }
}
