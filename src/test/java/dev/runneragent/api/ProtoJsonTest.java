package dev.runneragent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.Concept;
import com.clarifai.grpc.api.MultiWorkflowResponse;
import com.clarifai.grpc.api.status.Status;
import com.clarifai.grpc.api.status.StatusCode;
import org.junit.jupiter.api.Test;

class ProtoJsonTest {

    @Test
    void readsCamelAndSnakeCaseEnumNamesAndNumbersAndIgnoresUnknownFields() {
        Status.Builder byName = Status.newBuilder();
        ProtoJson.merge("{\"code\":\"SUCCESS\",\"req_id\":\"r\",\"newer_field\":{\"x\":1}}", byName);
        Status.Builder byNumber = Status.newBuilder();
        ProtoJson.merge("{\"code\":10000,\"reqId\":\"r\"}", byNumber);
        assertEquals(byName.build(), byNumber.build());
        assertEquals(StatusCode.SUCCESS, byName.getCode());
    }

    @Test
    void writesCamelCaseEnumNamesAndTheFieldsClarifaiAlwaysShows() {
        String json = ProtoJson.print(MultiWorkflowResponse.newBuilder()
                .setStatus(Status.newBuilder().setCode(StatusCode.SUCCESS).setReqId("r")));
        assertEquals("{\"status\":{\"code\":\"SUCCESS\",\"reqId\":\"r\"},\"workflows\":[]}", json);
        assertTrue(ProtoJson.print(Concept.newBuilder().setId("c")).contains("\"value\":0"));
    }

    @Test
    void unknownEnumNamesFromNewerClientsAreIgnoredLikeUnknownFields() {
        Status.Builder status = Status.newBuilder();
        ProtoJson.merge("{\"code\":\"A_CODE_FROM_THE_FUTURE\",\"details\":\"d\"}", status);
        assertEquals(StatusCode.ZERO, status.getCode());
        assertEquals("d", status.getDetails());
    }

    @Test
    void tellsBrokenJsonFromValuesOfTheWrongType() {
        assertThrows(ProtoJson.MalformedJsonException.class, () -> ProtoJson.merge("{\"code\":", Status.newBuilder()));
        ProtoJson.InvalidJsonValueException e = assertThrows(
                ProtoJson.InvalidJsonValueException.class,
                () -> ProtoJson.merge("{\"reqId\":{\"x\":1}}", Status.newBuilder()));
        assertFalse(e.getMessage().contains("Exception"), e.getMessage());
    }
}
