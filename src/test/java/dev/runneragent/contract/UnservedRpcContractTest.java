package dev.runneragent.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.clarifai.grpc.api.ListAppsRequest;
import com.clarifai.grpc.api.MultiAppResponse;
import com.clarifai.grpc.api.status.StatusCode;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * An RPC of the API that this node does not serve (ListApps) still gets a Clarifai answer the client can parse:
 * without one, the client fails with "Invalid protobuf byte sequence" instead of showing a status.
 */
@QuarkusTest
class UnservedRpcContractTest extends ContractTest {

    @Test
    void unservedRpcIsDoesNotExist() {
        MultiAppResponse answer = clarifai.asAdmin().listApps(ListAppsRequest.getDefaultInstance());

        assertEquals("/v2/users/me/apps", clarifai.last().path());
        assertEquals(StatusCode.CONN_DOES_NOT_EXIST, answer.getStatus().getCode());
        assertEquals(404, clarifai.lastStatus());
        assertEquals(0, answer.getAppsCount());
    }

    @Test
    void unservedRpcAnswerCarriesRequestId() {
        MultiAppResponse answer = clarifai.asAdmin().listApps(ListAppsRequest.getDefaultInstance());

        assertEquals(StatusCode.CONN_DOES_NOT_EXIST, answer.getStatus().getCode());
        assertFalse(answer.getStatus().getReqId().isEmpty(), answer.getStatus().toString());
    }
}
