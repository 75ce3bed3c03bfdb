package org.sipmediadeploy.daemon.logging;

import com.fasterxml.jackson.core.JsonStreamContext;
import net.logstash.logback.mask.ValueMasker;

/**
 * The JSON side of {@link Redaction}: logstash-logback-encoder's {@code MaskingJsonGeneratorDecorator} calls it
 * for every value written, so the message, structured arguments, MDC and stack trace are all covered.
 * Public with a no-argument constructor because logback.xml instantiates it.
 */
public final class SecretValueMasker implements ValueMasker {
    @Override
    @SuppressWarnings("ReferenceEquality") // Redaction returns its very input when nothing was secret
    public Object mask(JsonStreamContext context, Object value) {
        if (value instanceof CharSequence cs) {
            String s = cs.toString();
            String r = Redaction.redact(s);
            // null means "leave it alone" to the decorator
            return r == s ? null : r;
        }
        return null;
    }
}
