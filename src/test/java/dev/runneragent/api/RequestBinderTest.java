package dev.runneragent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.GetWorkflowRequest;
import com.clarifai.grpc.api.ListKeysRequest;
import com.clarifai.grpc.api.ListWorkflowsRequest;
import com.clarifai.grpc.api.PostWorkflowsRequest;
import com.clarifai.grpc.api.status.StatusCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Body, query and path binding, the way grpc-gateway does it. */
class RequestBinderTest {

    @Test
    void pathParametersFillNestedAndTopLevelFieldsAndWinOverTheBody() {
        GetWorkflowRequest request = RequestBinder.bind(
                        GetWorkflowRequest.newBuilder(),
                        "{\"workflow_id\":\"from-body\",\"user_app_id\":{\"app_id\":\"body-app\"}}",
                        Map.of(),
                        Map.of("userId", "me", "appId", "path-app", "workflowId", "from-path"),
                        ResourceKind.WORKFLOW)
                .build();
        assertEquals("from-path", request.getWorkflowId());
        assertEquals("me", request.getUserAppId().getUserId());
        assertEquals("path-app", request.getUserAppId().getAppId());
    }

    @Test
    void queryFillsDottedCamelAndSnakeNamesAndRepeatedKeysMakeLists() {
        ListWorkflowsRequest request = RequestBinder.bind(
                        ListWorkflowsRequest.newBuilder(),
                        "",
                        Map.of(
                                "per_page",
                                List.of("5"),
                                "sortAscending",
                                List.of("true"),
                                "user_app_id.app_id",
                                List.of("a1"),
                                "additionalFields",
                                List.of("stars", "all"),
                                "starred_only",
                                List.of(""),
                                "no_such_param",
                                List.of("x")),
                        Map.of(),
                        ResourceKind.WORKFLOW)
                .build();
        assertEquals(5, request.getPerPage());
        assertTrue(request.getSortAscending());
        assertTrue(request.getStarredOnly());
        assertEquals("a1", request.getUserAppId().getAppId());
        assertEquals(List.of("stars", "all"), request.getAdditionalFieldsList());
    }

    @Test
    void repeatedQueryScalarsAppendInOrder() {
        ListKeysRequest request = RequestBinder.bind(
                        ListKeysRequest.newBuilder(),
                        null,
                        Map.of("scopes", List.of("Workflows:Get", "Models:Get")),
                        Map.of(),
                        ResourceKind.GENERIC)
                .build();
        assertEquals(List.of("Workflows:Get", "Models:Get"), request.getScopesList());
    }

    @Test
    void brokenJsonIsABadRequestFormatWithItsPosition() {
        ApiException e = assertThrows(
                ApiException.class,
                () -> RequestBinder.bind(
                        PostWorkflowsRequest.newBuilder(),
                        "{\"workflows\": [{\"id\": }]}",
                        Map.of(),
                        Map.of(),
                        ResourceKind.WORKFLOW));
        assertEquals(StatusCode.CONN_BAD_REQUEST_FORMAT, e.code());
        assertTrue(e.details().contains("line 1 column"), e.details());
        ApiException trailing = assertThrows(
                ApiException.class,
                () -> RequestBinder.bind(
                        PostWorkflowsRequest.newBuilder(), "{} {}", Map.of(), Map.of(), ResourceKind.WORKFLOW));
        assertEquals(StatusCode.CONN_BAD_REQUEST_FORMAT, trailing.code());
    }

    @Test
    void wrongTypesAreTheKindsInvalidArgument() {
        ApiException body = assertThrows(
                ApiException.class,
                () -> RequestBinder.bind(
                        ListWorkflowsRequest.newBuilder(),
                        "{\"page\":\"one\"}",
                        Map.of(),
                        Map.of(),
                        ResourceKind.WORKFLOW));
        assertEquals(StatusCode.WORKFLOW_INVALID_ARGUMENT, body.code());
        ApiException query = assertThrows(
                ApiException.class,
                () -> RequestBinder.bind(
                        ListWorkflowsRequest.newBuilder(),
                        null,
                        Map.of("perPage", List.of("-1")),
                        Map.of(),
                        ResourceKind.MODULE));
        assertEquals(StatusCode.MODULE_INVALID_ARGUMENT, query.code());
        assertTrue(query.details().contains("perPage"), query.details());
    }
}
