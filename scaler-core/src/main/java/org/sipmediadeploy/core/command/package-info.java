/**
 * The replicated log's entries: {@code Command}, a sealed hierarchy (pair and pool initialisation, proposals,
 * outcomes, modes, scaler membership, replacement steps), each carrying the proposer's term.
 */
package org.sipmediadeploy.core.command;
