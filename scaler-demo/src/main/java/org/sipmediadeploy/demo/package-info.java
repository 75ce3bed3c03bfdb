/**
 * {@code ./scaler demo}: the sandbox cloud with a Kamailio and a Coturn pair, a gateway pool and three scaler nodes
 * as separate JVMs. Not packaged.
 */
package org.sipmediadeploy.demo;
