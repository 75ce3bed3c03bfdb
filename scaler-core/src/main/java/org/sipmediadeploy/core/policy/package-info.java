/**
 * Pure policies: state, observation, configuration and {@code now} in, a verdict (decisions and alarms) out —
 * failover, scaling and self-healing.
 */
package org.sipmediadeploy.core.policy;
