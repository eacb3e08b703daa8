/**
 * Model execution on this node's devices: the model folder, device inventory and placement, per-device workers, the
 * dynamic batcher, and the image and text encoders and output decoders. Depends on no feature package, so the
 * workflow runner and the agent both use it.
 */
package dev.runneragent.execution;
