package dev.runneragent.runner;

import jakarta.ws.rs.Path;

/** {@code PostModelOutputs} at {@code /v2/models/{modelId}/...}, in the app of the key or the default app. */
@Path("/v2/models/{modelId}")
public class ModelOutputResource extends ModelOutputRoutes {}
