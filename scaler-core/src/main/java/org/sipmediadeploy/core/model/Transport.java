package org.sipmediadeploy.core.model;

/** SIP transports the OPTIONS probe speaks. */
public enum Transport {
    UDP,
    TCP,
    TLS
}
