package dev.runneragent.runner;

import jakarta.ws.rs.Path;

/** {@code PostModelOutputs} at {@code /v2/users/{userId}/apps/{appId}/models/{modelId}/...}. */
@Path("/v2/users/{userId}/apps/{appId}/models/{modelId}")
public class AppModelOutputResource extends ModelOutputRoutes {}
