package dev.runneragent.auth;

import com.clarifai.grpc.api.PostValidatePasswordRequest;
import dev.runneragent.api.Api;
import dev.runneragent.api.ResourceKind;
import dev.runneragent.api.Rpc;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code POST /v2/validate_password}: the route of PostValidatePassword without a user in the path. */
@Path("/v2/validate_password")
@Consumes(MediaType.WILDCARD)
public class PasswordResource {

    @Inject
    Api api;

    @Inject
    PasswordService passwords;

    @POST
    @Rpc(value = "PostValidatePassword", kind = ResourceKind.PASSWORD)
    public Response validatePassword(byte[] body) {
        return api.call(PostValidatePasswordRequest.newBuilder(), body, passwords::validate);
    }
}
