/**
 * The consensus adapter: an embedded Apache Ratis group whose state machine applies the core's pure transitions,
 * with term fencing, leader lease and membership changes.
 */
package org.sipmediadeploy.raft;
