/**
 * Model execution on this node's devices: the model folder, and (as it grows) device inventory, placement, workers,
 * batching and translators. Depends on no feature package, so the workflow runner and the agent both use it.
 */
package dev.runneragent.execution;
