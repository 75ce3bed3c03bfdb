/**
 * Validated configuration records of pairs, pools, probes and self-healing; built by the daemon's loader, read by
 * the policies and the loop.
 */
package org.sipmediadeploy.core.config;
