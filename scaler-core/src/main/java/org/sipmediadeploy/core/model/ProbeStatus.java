package org.sipmediadeploy.core.model;

/** What one probe saw. UNKNOWN means the probe could not tell (e.g. our own socket failed); it is not "up". */
public enum ProbeStatus {
    UP,
    DOWN,
    UNKNOWN
}
