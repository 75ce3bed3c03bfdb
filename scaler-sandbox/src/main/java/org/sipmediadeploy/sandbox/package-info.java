/**
 * A local OpenStack-compatible cloud for tests and the demo: Keystone, Nova and Neutron APIs over an in-memory
 * store, real processes as VMs, a floating-IP data plane and fault injection.
 */
package org.sipmediadeploy.sandbox;
