/**
 * Metrics: one Micrometer registry (JMX and Prometheus) fed by a {@code ScalerEvents} listener and gauges.
 */
package org.sipmediadeploy.daemon.metrics;
