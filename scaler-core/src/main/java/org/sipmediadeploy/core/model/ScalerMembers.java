package org.sipmediadeploy.core.model;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The replicated record of the scaler cluster itself: its members with their cloud servers (the Raft configuration
 * is the authority on who votes; this record adds what the cloud needs and is re-synced from it), the replacement
 * under way (null when none), and the highest numeric id suffix ever given out, so a new node never reuses the id
 * of one that existed before (a Raft id must not come back with an empty log).
 */
public record ScalerMembers(Map<String, ScalerMember> members, ScalerReplacement replacement, int highestOrdinal) {
    public static final ScalerMembers EMPTY = new ScalerMembers(Map.of(), null, 0);

    public ScalerMembers {
        members = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(members, "members")));
        if (highestOrdinal < 0) {
            throw new IllegalArgumentException("highestOrdinal must be >= 0");
        }
    }

    public Optional<ScalerMember> member(String id) {
        return Optional.ofNullable(members.get(id));
    }

    public ScalerMembers withMembers(Map<String, ScalerMember> next) {
        return new ScalerMembers(next, replacement, Math.max(highestOrdinal, ScalerIds.highestOrdinal(next.keySet())));
    }

    public ScalerMembers withReplacement(ScalerReplacement r) {
        int ord = highestOrdinal;
        if (r != null) {
            ord = Math.max(ord, ScalerIds.ordinal(r.newId()));
        }
        return new ScalerMembers(members, r, ord);
    }
}
