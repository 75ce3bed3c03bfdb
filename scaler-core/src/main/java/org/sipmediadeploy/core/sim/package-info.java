/**
 * The trace simulator: replays a call trace against the scaling policy and the reference rules, on simulated time.
 */
package org.sipmediadeploy.core.sim;
