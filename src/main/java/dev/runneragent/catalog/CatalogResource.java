package dev.runneragent.catalog;

import com.clarifai.grpc.api.GetAppDuplicationRequest;
import com.clarifai.grpc.api.ListAppDuplicationsRequest;
import com.clarifai.grpc.api.ListCollaborationsRequest;
import com.clarifai.grpc.api.ListDatasetsRequest;
import com.clarifai.grpc.api.ListEvaluationsRequest;
import com.clarifai.grpc.api.ListModelsRequest;
import com.clarifai.grpc.api.ListModulesRequest;
import dev.runneragent.api.Api;
import dev.runneragent.api.ResourceKind;
import dev.runneragent.api.Rpc;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The user-level lists: {@code /v2/users/{userId}/models}, {@code datasets}, {@code evaluations}, {@code modules},
 * {@code collaborations} and {@code duplications[/{appDuplicationId}]}.
 */
@Path("/v2/users/{userId}")
@Consumes(MediaType.WILDCARD)
public class CatalogResource {

    @Inject
    Api api;

    @Inject
    CatalogService catalog;

    @GET
    @Path("/models")
    @Rpc(value = "ListModels", kind = ResourceKind.MODEL)
    public Response listModels() {
        return api.call(ListModelsRequest.newBuilder(), null, catalog::listModels);
    }

    @GET
    @Path("/datasets")
    @Rpc("ListDatasets")
    public Response listDatasets() {
        return api.call(ListDatasetsRequest.newBuilder(), null, catalog::listDatasets);
    }

    @GET
    @Path("/evaluations")
    @Rpc(value = "ListEvaluations", kind = ResourceKind.EVALUATION)
    public Response listEvaluations() {
        return api.call(ListEvaluationsRequest.newBuilder(), null, catalog::listEvaluations);
    }

    @GET
    @Path("/modules")
    @Rpc(value = "ListModules", kind = ResourceKind.MODULE)
    public Response listModules() {
        return api.call(ListModulesRequest.newBuilder(), null, catalog::listModules);
    }

    @GET
    @Path("/collaborations")
    @Rpc("ListCollaborations")
    public Response listCollaborations() {
        return api.call(ListCollaborationsRequest.newBuilder(), null, catalog::listCollaborations);
    }

    @GET
    @Path("/duplications")
    @Rpc(value = "ListAppDuplications", kind = ResourceKind.APP_DUPLICATION)
    public Response listAppDuplications() {
        return api.call(ListAppDuplicationsRequest.newBuilder(), null, catalog::listAppDuplications);
    }

    @GET
    @Path("/duplications/{appDuplicationId}")
    @Rpc(value = "GetAppDuplication", kind = ResourceKind.APP_DUPLICATION)
    public Response getAppDuplication() {
        return api.call(GetAppDuplicationRequest.newBuilder(), null, catalog::getAppDuplication);
    }
}
