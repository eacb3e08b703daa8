package dev.runneragent.agent;

import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestPath;

/**
 * The upstream hub's runner endpoints (Clarifai API v2, the 10.3 routes), with bodies as JSON text: {@link Upstream}
 * writes and reads them as Clarifai's messages and guards every call. An answer with an HTTP error status becomes an
 * {@link UpstreamException} that carries its Clarifai status.
 */
@RegisterRestClient(configKey = "upstream")
@Path("/v2/users/{userId}/runners")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public interface UpstreamApi {

    @POST
    String postRunners(@HeaderParam("Authorization") String authorization, @RestPath String userId, String body);

    @GET
    @Path("/{runnerId}")
    String getRunner(
            @HeaderParam("Authorization") String authorization, @RestPath String userId, @RestPath String runnerId);

    @GET
    @Path("/{runnerId}/items")
    String listRunnerItems(
            @HeaderParam("Authorization") String authorization, @RestPath String userId, @RestPath String runnerId);

    @POST
    @Path("/{runnerId}/items/{runnerItemId}/outputs")
    String postRunnerItemOutputs(
            @HeaderParam("Authorization") String authorization,
            @RestPath String userId,
            @RestPath String runnerId,
            @RestPath String runnerItemId,
            String body);

    @DELETE
    String deleteRunners(@HeaderParam("Authorization") String authorization, @RestPath String userId, String body);

    /** An HTTP error answer as an {@link UpstreamException}, with the Clarifai status its body carries. */
    @ClientExceptionMapper
    static RuntimeException toException(Response response, Method method) {
        if (response.getStatus() < 400) {
            return null;
        }
        String body = response.hasEntity() ? response.readEntity(String.class) : "";
        return UpstreamException.of(method.getName(), response.getStatus(), Upstream.statusOf(body));
    }
}
