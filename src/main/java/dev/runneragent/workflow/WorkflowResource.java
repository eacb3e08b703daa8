package dev.runneragent.workflow;

import jakarta.ws.rs.Path;

/** {@code /v2/workflows...}: the app comes from an app key, or is the default app for a personal token. */
@Path("/v2/workflows")
public class WorkflowResource extends WorkflowRoutes {}
