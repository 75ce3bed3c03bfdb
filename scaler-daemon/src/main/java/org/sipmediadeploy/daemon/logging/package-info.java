/**
 * JSON logs: the decision log lines, secret masking, and the levels of the libraries.
 */
package org.sipmediadeploy.daemon.logging;
