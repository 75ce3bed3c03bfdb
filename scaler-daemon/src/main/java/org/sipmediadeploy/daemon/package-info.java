/**
 * The scaler daemon: wires the core to its adapters (Raft, probes, OpenStack), runs one node, answers its admin
 * API.
 */
package org.sipmediadeploy.daemon;
