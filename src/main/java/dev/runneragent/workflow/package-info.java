/**
 * Workflows and their versions: the REST resources, services and store, and graph validation. Running workflows
 * ({@code results}, {@code results/similarity}) arrives with the execution engine.
 */
package dev.runneragent.workflow;
