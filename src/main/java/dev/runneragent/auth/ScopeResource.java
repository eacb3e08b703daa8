package dev.runneragent.auth;

import com.clarifai.grpc.api.ListScopesRequest;
import com.clarifai.grpc.api.MyScopesUserRequest;
import com.clarifai.grpc.api.PostValidatePasswordRequest;
import dev.runneragent.api.Api;
import dev.runneragent.api.ResourceKind;
import dev.runneragent.api.Rpc;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Scopes and password validation: {@code scopes}, {@code myscopes} and both {@code validate_password} routes. */
@Path("/v2/users/{userId}")
@Consumes(MediaType.WILDCARD)
public class ScopeResource {

    @Inject
    Api api;

    @Inject
    ScopeService scopes;

    @Inject
    PasswordService passwords;

    @GET
    @Path("/scopes")
    @Rpc("ListScopes")
    public Response listScopes() {
        return api.call(ListScopesRequest.newBuilder(), null, scopes::listScopes);
    }

    @GET
    @Path("/myscopes")
    @Rpc("MyScopesUser")
    public Response myScopes() {
        return api.call(MyScopesUserRequest.newBuilder(), null, scopes::myScopes);
    }

    @POST
    @Path("/validate_password")
    @Rpc(value = "PostValidatePassword", kind = ResourceKind.PASSWORD)
    public Response validateUserPassword(byte[] body) {
        return api.call(PostValidatePasswordRequest.newBuilder(), body, passwords::validate);
    }
}
