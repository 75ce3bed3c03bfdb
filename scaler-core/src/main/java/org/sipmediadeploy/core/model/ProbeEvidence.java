package org.sipmediadeploy.core.model;

/**
 * What kind of outcome a probe had, as the failure detector weighs it. An answer that says "no" at once (a
 * refused or reset connection, an ICMP port unreachable, a TLS alert, a 5xx from the server itself) is firm
 * evidence; silence (a timeout) may be a lost packet on a lossy path and weighs by how often that path loses
 * packets.
 */
public enum ProbeEvidence {
    /** The probe passed. */
    PASSED,
    /** No answer within the timeout. */
    SILENT,
    /** The target or its host refused at once: the service is not there. */
    IMMEDIATE,
    /** Any other failure (a 4xx, a malformed answer, our own socket): weighed like silence. */
    OTHER;

    /** The evidence of a result whose probe did not classify it: PASSED when up, else OTHER. */
    static ProbeEvidence of(ProbeStatus status) {
        return status == ProbeStatus.UP ? PASSED : OTHER;
    }
}
