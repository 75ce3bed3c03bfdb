/**
 * The admin HTTP API of a node (status, history, operator actions committed through the leader) and its client.
 */
package org.sipmediadeploy.daemon.admin;
