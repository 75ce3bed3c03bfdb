/**
 * The command line: {@code scalerctl} (status, history, operator actions, config check, simulate, members) and its
 * exit codes.
 */
package org.sipmediadeploy.daemon.cli;
