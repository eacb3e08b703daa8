package dev.runneragent.auth;

import com.clarifai.grpc.api.DeleteKeyRequest;
import com.clarifai.grpc.api.GetKeyRequest;
import com.clarifai.grpc.api.ListKeysRequest;
import com.clarifai.grpc.api.PatchKeysRequest;
import com.clarifai.grpc.api.PostKeysRequest;
import dev.runneragent.api.Api;
import dev.runneragent.api.Rpc;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Keys: {@code /v2/users/{userId}/keys}. */
@Path("/v2/users/{userId}/keys")
@Consumes(MediaType.WILDCARD)
public class KeyResource {

    @Inject
    Api api;

    @Inject
    KeyService keys;

    @POST
    @Rpc("PostKeys")
    public Response postKeys(byte[] body) {
        return api.call(PostKeysRequest.newBuilder(), body, keys::postKeys);
    }

    @GET
    @Rpc("ListKeys")
    public Response listKeys() {
        return api.call(ListKeysRequest.newBuilder(), null, keys::listKeys);
    }

    @PATCH
    @Rpc("PatchKeys")
    public Response patchKeys(byte[] body) {
        return api.call(PatchKeysRequest.newBuilder(), body, keys::patchKeys);
    }

    @GET
    @Path("/{keyId}")
    @Rpc("GetKey")
    public Response getKey() {
        return api.call(GetKeyRequest.newBuilder(), null, keys::getKey);
    }

    @DELETE
    @Path("/{keyId}")
    @Rpc("DeleteKey")
    public Response deleteKey(byte[] body) {
        return api.call(DeleteKeyRequest.newBuilder(), body, keys::deleteKey);
    }
}
