/**
 * The ports the adapters implement (cloud, probes, consensus, membership, node provisioning) and the event listener
 * metrics and logs hang off.
 */
package org.sipmediadeploy.core.port;
