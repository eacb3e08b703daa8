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
import org.jboss.resteasy.reactive.RestResponse;

/**
 * The upstream hub's runner endpoints (Clarifai API v2, the 10.3 routes), with bodies as JSON text, or as bytes where
 * the body may be protobuf's binary encoding: {@link Upstream} writes and reads them as Clarifai's messages and guards
 * every call. An answer with an HTTP error status becomes an {@link UpstreamException} that carries its Clarifai
 * status.
 */
@RegisterRestClient(configKey = "upstream")
@Path("/v2/users/{userId}/runners")
@Consumes(MediaType.APPLICATION_JSON)
public interface UpstreamApi {

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    String postRunners(@HeaderParam("Authorization") String authorization, @RestPath String userId, String body);

    @GET
    @Path("/{runnerId}")
    @Produces(MediaType.APPLICATION_JSON)
    String getRunner(
            @HeaderParam("Authorization") String authorization, @RestPath String userId, @RestPath String runnerId);

    /**
     * {@code accept}: JSON, or protobuf's binary encoding first (a hub of this project answers in it). No
     * {@code @Produces} here: it would be added to the header.
     */
    @GET
    @Path("/{runnerId}/items")
    RestResponse<byte[]> listRunnerItems(
            @HeaderParam("Authorization") String authorization,
            @HeaderParam("Accept") String accept,
            @RestPath String userId,
            @RestPath String runnerId);

    /** {@code contentType}: JSON, or protobuf's binary encoding for a hub that answered in it. */
    @POST
    @Path("/{runnerId}/items/{runnerItemId}/outputs")
    @Consumes(MediaType.WILDCARD)
    RestResponse<byte[]> postRunnerItemOutputs(
            @HeaderParam("Authorization") String authorization,
            @HeaderParam("Accept") String accept,
            @HeaderParam("Content-Type") String contentType,
            @RestPath String userId,
            @RestPath String runnerId,
            @RestPath String runnerItemId,
            byte[] body);

    @DELETE
    @Produces(MediaType.APPLICATION_JSON)
    String deleteRunners(@HeaderParam("Authorization") String authorization, @RestPath String userId, String body);

    /** An HTTP error answer as an {@link UpstreamException}, with the Clarifai status its body carries. */
    @ClientExceptionMapper
    static RuntimeException toException(Response response, Method method) {
        if (response.getStatus() < 400) {
            return null;
        }
        byte[] body = response.hasEntity() ? response.readEntity(byte[].class) : new byte[0];
        return UpstreamException.of(
                method.getName(), response.getStatus(), Upstream.statusOf(body, response.getMediaType()));
    }
}
