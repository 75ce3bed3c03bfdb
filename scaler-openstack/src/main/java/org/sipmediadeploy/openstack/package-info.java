/**
 * The OpenStack adapter of the core's {@code Cloud} port (openstack4j): Keystone sessions, Nova, Neutron, errors
 * classified as transient or terminal.
 */
package org.sipmediadeploy.openstack;
