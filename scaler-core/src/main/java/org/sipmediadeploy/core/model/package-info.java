/**
 * The domain's values: servers, ports, floating IPs, pair and pool state, hosts and their lifecycles (transition
 * tables in the Javadoc of each type), probe targets and results.
 */
package org.sipmediadeploy.core.model;
