/**
 * The probe adapters: SIP OPTIONS (JAIN-SIP), STUN and TURN (ice4j), the gateways' status endpoint, and the probe
 * scheduler.
 */
package org.sipmediadeploy.probes;
