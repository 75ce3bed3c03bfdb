package org.sipmediadeploy.probes;

import static org.sipmediadeploy.probes.StunClient.error;
import static org.sipmediadeploy.probes.StunClient.errorCode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.NonceAttribute;
import org.ice4j.attribute.RealmAttribute;
import org.ice4j.attribute.XorRelayedAddressAttribute;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;
import org.ice4j.message.Response;
import org.ice4j.security.LongTermCredential;
import org.ice4j.security.LongTermCredentialSession;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TURN Allocate probe's exchange: Allocate, answer the long-term credential challenge (once more on a stale
 * nonce), then release the allocation with a signed Refresh. Should the OS hand out again a port whose earlier
 * allocation was not released (the release got lost), Coturn answers 437 and the probe retries once from a new
 * socket.
 */
final class TurnAllocator {
    // The prober's logger, as before the exchange had a class of its own: operators filter on its name.
    private static final Logger LOG = LoggerFactory.getLogger(StunProber.class);
    private static final byte UDP_TRANSPORT = 17;
    private static final char UNAUTHORIZED = 401;
    private static final char STALE_NONCE = 438;
    private static final char ALLOCATION_MISMATCH = 437;

    private final StunClient client;
    private final ProbeRuntime runtime;

    TurnAllocator(StunClient client, ProbeRuntime runtime) {
        this.client = client;
        this.runtime = runtime;
    }

    CompletableFuture<ProbeResult> allocate(
            ProbeTarget.TurnAllocate target, Duration timeout, long start, long deadline, boolean mayRetryMismatch) {
        StunSession s;
        try {
            s = client.open(target.host(), target.port());
        } catch (Exception e) {
            return CompletableFuture.completedFuture(client.noSocket(e, start, timeout));
        }
        CompletableFuture<Attempt> attempt = client.send(s, allocateRequest(), deadline)
                .thenCompose(first -> {
                    if (!first.isErrorResponse()) {
                        // A server without authentication: still a relayed address, nothing to sign the release.
                        return done(allocated(first, start, s, null, timeout));
                    }
                    char code = errorCode(first);
                    if (code == ALLOCATION_MISMATCH && mayRetryMismatch) {
                        return CompletableFuture.completedFuture(Attempt.RETRY_NEW_SOCKET);
                    }
                    if (code != UNAUTHORIZED) {
                        return done(Reasons.failed(ProbeRuntime.since(start), "TURN " + error(first), runtime.now()));
                    }
                    RealmAttribute realm = (RealmAttribute) first.getAttribute(Attribute.REALM);
                    NonceAttribute nonce = (NonceAttribute) first.getAttribute(Attribute.NONCE);
                    if (realm == null || nonce == null) {
                        return done(ProbeResult.down(
                                ProbeRuntime.since(start),
                                "TURN 401 without REALM/NONCE: not a long-term credential challenge",
                                runtime.now()));
                    }
                    LongTermCredentialSession creds = new LongTermCredentialSession(
                            new LongTermCredential(
                                    target.username(), target.password().reveal()),
                            realm.getRealm());
                    creds.setNonce(nonce.getNonce());
                    s.stack.getCredentialsManager().registerAuthority(creds);
                    return authenticated(s, creds, target, start, deadline, timeout, true, mayRetryMismatch);
                })
                .exceptionally(e -> new Attempt(client.failed(e, start, timeout)));
        var unused = attempt.whenComplete((r, e) -> {
            if (!s.releasing) {
                s.close();
            }
        });
        return attempt.thenCompose(a -> a.retriesOnNewSocket()
                // 437: this 5-tuple still holds an allocation, an earlier probe's whose release was lost and
                // whose ephemeral port the OS has handed out again. A new socket is a new 5-tuple.
                ? allocate(target, timeout, start, deadline, false)
                : CompletableFuture.completedFuture(a.result()));
    }

    /** One Allocate exchange: a result, or "retry from a new socket". */
    private record Attempt(ProbeResult result) {
        static final Attempt RETRY_NEW_SOCKET = new Attempt(null);

        // The sentinel is that one instance: identity, not a result-less value, is what marks it.
        @SuppressWarnings("ReferenceEquality")
        boolean retriesOnNewSocket() {
            return this == RETRY_NEW_SOCKET;
        }
    }

    private static CompletableFuture<Attempt> done(ProbeResult r) {
        return CompletableFuture.completedFuture(new Attempt(r));
    }

    private CompletableFuture<Attempt> authenticated(
            StunSession s,
            LongTermCredentialSession creds,
            ProbeTarget.TurnAllocate target,
            long start,
            long deadline,
            Duration timeout,
            boolean mayRetryNonce,
            boolean mayRetryMismatch) {
        Request request = allocateRequest();
        try {
            creds.addAttributes(request);
        } catch (Exception e) {
            return done(ProbeResult.unknown(
                    ProbeRuntime.since(start),
                    "cannot sign the TURN request: " + Reasons.of(e, timeout),
                    runtime.now()));
        }
        return client.send(s, request, deadline).thenCompose(r -> {
            if (!r.isErrorResponse()) {
                return done(allocated(r, start, s, creds, timeout));
            }
            char code = errorCode(r);
            if (code == STALE_NONCE && mayRetryNonce) {
                NonceAttribute nonce = (NonceAttribute) r.getAttribute(Attribute.NONCE);
                if (nonce != null) {
                    creds.setNonce(nonce.getNonce());
                    return authenticated(s, creds, target, start, deadline, timeout, false, mayRetryMismatch);
                }
            }
            if (code == ALLOCATION_MISMATCH && mayRetryMismatch) {
                return CompletableFuture.completedFuture(Attempt.RETRY_NEW_SOCKET);
            }
            String reason = code == UNAUTHORIZED
                    ? "401 bad credentials for user '" + target.username() + "' in realm '"
                            + new String(creds.getRealm(), StandardCharsets.UTF_8) + "'"
                    : "TURN " + error(r);
            return done(Reasons.failed(ProbeRuntime.since(start), reason, runtime.now()));
        });
    }

    private ProbeResult allocated(
            Response r, long start, StunSession s, LongTermCredentialSession creds, Duration timeout) {
        Duration latency = ProbeRuntime.since(start);
        XorRelayedAddressAttribute relayed = (XorRelayedAddressAttribute) r.getAttribute(Attribute.XOR_RELAYED_ADDRESS);
        if (relayed == null) {
            return ProbeResult.down(latency, "TURN success without a relayed address", runtime.now());
        }
        TransportAddress addr = relayed.getAddress(r.getTransactionID());
        release(s, creds, timeout);
        return ProbeResult.up(latency, "relayed " + addr.getHostAddress() + ":" + addr.getPort(), runtime.now());
    }

    /**
     * Refresh with LIFETIME 0 frees the relay port at once instead of after the default 10 minutes. Runs after the
     * result is delivered (the release is not part of the health verdict) and closes the session when done.
     */
    private void release(StunSession s, LongTermCredentialSession creds, Duration timeout) {
        s.releasing = true;
        release(s, creds, timeout, System.nanoTime() + timeout.toNanos(), true);
    }

    private void release(
            StunSession s, LongTermCredentialSession creds, Duration timeout, long deadline, boolean mayRetryNonce) {
        Request refresh = MessageFactory.createRefreshRequest(0);
        try {
            if (creds != null) {
                creds.addAttributes(refresh);
            }
        } catch (Exception e) {
            LOG.debug("cannot sign the TURN release", e);
            s.close();
            return;
        }
        var unused = client.send(s, refresh, deadline).whenComplete((r, e) -> {
            if (e != null) {
                LOG.debug("TURN release to {} got no answer: {}", s.server, Reasons.of(e, timeout));
            } else if (r.isErrorResponse()
                    && errorCode(r) == STALE_NONCE
                    && mayRetryNonce
                    && creds != null
                    && r.getAttribute(Attribute.NONCE) != null) {
                // The nonce expired between Allocate and Refresh: sign again with the new one.
                creds.setNonce(((NonceAttribute) r.getAttribute(Attribute.NONCE)).getNonce());
                release(s, creds, timeout, deadline, false);
                return;
            } else if (r.isErrorResponse()) {
                LOG.debug("TURN release to {} refused: {}", s.server, error(r));
            }
            s.close();
        });
    }

    private static Request allocateRequest() {
        return MessageFactory.createAllocateRequest(UDP_TRANSPORT, false);
    }
}
