/**
 * The leader's control loop: one level-triggered pass per tick (observe, decide, commit, carry out), the idempotent
 * execution of each decision and the scaler replacement.
 */
package org.sipmediadeploy.core.loop;
