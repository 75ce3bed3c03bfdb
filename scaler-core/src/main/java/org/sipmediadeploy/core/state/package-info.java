/**
 * The replicated state ({@code ClusterState}, immutable) and its pure transitions: validate a command, then apply
 * it at a log index.
 */
package org.sipmediadeploy.core.state;
