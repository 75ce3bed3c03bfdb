package org.sipmediadeploy.probes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.sipmediadeploy.core.model.Secret;

/**
 * Trust store for SIP over TLS: the server's chain must validate against it. JAIN-SIP builds its TLS layer only
 * when a key store is named too; without a client certificate the trust store serves as both.
 *
 * @param trustStore path of the trust store (PKCS12 or JKS)
 * @param password   trust store password
 * @param type       key store type, e.g. {@code PKCS12}
 */
public record TlsSettings(Path trustStore, Secret password, String type) {
    public TlsSettings {
        Objects.requireNonNull(trustStore, "trustStore");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(type, "type");
        if (!Files.isReadable(trustStore)) {
            throw new IllegalArgumentException("trust store is not readable: " + trustStore);
        }
    }
}
