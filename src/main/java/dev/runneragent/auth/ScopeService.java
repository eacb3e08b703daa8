package dev.runneragent.auth;

import com.clarifai.grpc.api.EndpointDeps;
import com.clarifai.grpc.api.ListScopesRequest;
import com.clarifai.grpc.api.MultiScopeDepsResponse;
import com.clarifai.grpc.api.MultiScopeUserResponse;
import com.clarifai.grpc.api.MyScopesUserRequest;
import com.clarifai.grpc.api.ScopeDeps;
import dev.runneragent.api.Caller;
import dev.runneragent.api.ResourceKind;
import dev.runneragent.api.Rpcs;
import dev.runneragent.auth.ScopeTable.Requirement;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Set;

/** {@code ListScopes} and {@code MyScopesUser}, both served from the {@link ScopeTable} the checks use. */
@ApplicationScoped
public class ScopeService {

    private static final ResourceKind KIND = ResourceKind.GENERIC;

    @Inject
    ScopeTable table;

    /**
     * The scopes and endpoints a key of {@code keyType} can be given: everything for a personal access token; for
     * an app key ({@code app_specific_key} or {@code api_key}), the endpoints that take app keys and the scopes they
     * need.
     */
    public MultiScopeDepsResponse listScopes(Caller caller, ListScopesRequest request) {
        caller.user(request.getUserAppId(), KIND);
        boolean personal = switch (request.getKeyType()) {
            case "", "personal_access_token" -> true;
            case "app_specific_key", "api_key" -> false;
            default ->
                throw KIND.invalid("keyType must be 'personal_access_token' or 'app_specific_key', got '"
                        + request.getKeyType() + "'");
        };
        MultiScopeDepsResponse.Builder answer = MultiScopeDepsResponse.newBuilder();
        for (Requirement requirement : table.served()) {
            if (personal || !requirement.personalTokenOnly()) {
                answer.addEndpointDeps(EndpointDeps.newBuilder()
                        .setEndpoint(Rpcs.endpoint(requirement.rpc()))
                        .addAllDependingScopes(requirement.scopes()));
            }
        }
        Set<String> appKeyScopes = table.appKeyScopes();
        for (Map.Entry<String, Set<String>> scope : table.scopeDependencies().entrySet()) {
            if (personal || appKeyScopes.contains(scope.getKey())) {
                answer.addScopeDeps(
                        ScopeDeps.newBuilder().setScope(scope.getKey()).addAllDependingScopes(scope.getValue()));
            }
        }
        return answer.build();
    }

    /**
     * What the caller may do. MyScopesUser takes only personal access tokens, which carry every scope and reach every
     * endpoint of the node.
     */
    public MultiScopeUserResponse myScopes(Caller caller, MyScopesUserRequest request) {
        caller.user(request.getUserAppId(), KIND);
        MultiScopeUserResponse.Builder answer = MultiScopeUserResponse.newBuilder()
                .addAllScopes(table.scopeDependencies().keySet());
        table.served().forEach(r -> answer.addEndpoints(Rpcs.endpoint(r.rpc())));
        return answer.build();
    }
}
