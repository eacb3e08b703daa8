package dev.runneragent.workflow;

import com.clarifai.grpc.api.UserAppIDSet;
import dev.runneragent.contract.ClarifaiClient;
import dev.runneragent.testing.TestNode;
import java.util.function.Consumer;

/**
 * The two routes of a workflow RPC, which the client picks from the request: without {@code user_app_id} the bare
 * {@code /v2/workflows...}, with it {@code /v2/users/{user}/apps/{app}/workflows...}. Both reach the same app here.
 */
enum RouteForm {
    BARE("/v2/workflows"),
    APP("/v2/users/" + TestNode.ADMIN + "/apps/" + ContractWorkflows.DEFAULT_APP + "/workflows");

    private final String prefix;

    RouteForm(String prefix) {
        this.prefix = prefix;
    }

    /** The path the client sends this form's RPCs to, up to and including {@code /workflows}. */
    String prefix() {
        return prefix;
    }

    /** Sets {@code user_app_id} on a request for the app form; the bare form must leave the field unset. */
    void scope(Consumer<UserAppIDSet> setUserAppId) {
        if (this == APP) {
            setUserAppId.accept(ClarifaiClient.adminApp(ContractWorkflows.DEFAULT_APP));
        }
    }
}
