/**
 * What the scaler decides: the sealed {@code Decision} hierarchy (each with its reason), {@code DecisionId}, the
 * committed {@code DecisionRecord} and its {@code Outcome}.
 */
package org.sipmediadeploy.core.decision;
