package dev.runneragent.auth;

import dev.runneragent.api.ApiException;
import dev.runneragent.api.ApiRequest;
import dev.runneragent.api.Caller;
import dev.runneragent.api.Rpc;
import dev.runneragent.auth.ScopeTable.Requirement;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates every API call ({@code Authorization: Key <token>}) and checks the key against the scope table
 * before the endpoint runs: 401 for a missing, unknown or expired key, 403 for a key without the endpoint's scopes
 * or of the wrong type. Endpoints outside the API (health, metrics, OpenAPI) are not filtered.
 */
public class KeyAuthFilter {

    @Inject
    ApiRequest request;

    @Inject
    KeyService keys;

    @Inject
    ScopeTable scopes;

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public void authenticate(ContainerRequestContext context) {
        Rpc rpc = request.rpc();
        if (rpc == null) {
            return;
        }
        Caller caller = keys.authenticate(context.getHeaderString(HttpHeaders.AUTHORIZATION));
        Requirement requirement = scopes.requirement(rpc.value());
        if (requirement.personalTokenOnly() && !caller.isPersonal()) {
            throw new ApiException.InsufficientScopesException(
                    rpc.value() + " needs a personal access token; an app key cannot call it");
        }
        Set<String> missing = scopes.missingScopes(caller, requirement);
        if (!missing.isEmpty()) {
            throw new ApiException.InsufficientScopesException(
                    "this key lacks the scope(s) " + String.join(", ", missing) + " that " + rpc.value() + " needs");
        }
        request.authenticated(caller);
    }
}
