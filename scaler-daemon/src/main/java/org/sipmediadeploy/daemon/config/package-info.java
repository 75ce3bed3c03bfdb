/**
 * Loads a HOCON file into a validated {@code ScalerConfig}, failing closed with every problem named by its key
 * path.
 */
package org.sipmediadeploy.daemon.config;
