package dev.runneragent.execution;

import static dev.runneragent.execution.TestInputs.image;
import static dev.runneragent.execution.TestInputs.request;
import static dev.runneragent.execution.TestInputs.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.Concept;
import com.clarifai.grpc.api.Data;
import com.clarifai.grpc.api.Image;
import com.clarifai.grpc.api.Input;
import com.clarifai.grpc.api.ModelVersion;
import com.clarifai.grpc.api.MultiOutputResponse;
import com.clarifai.grpc.api.Output;
import com.clarifai.grpc.api.OutputConfig;
import com.clarifai.grpc.api.OutputInfo;
import com.clarifai.grpc.api.PostModelOutputsRequest;
import com.clarifai.grpc.api.status.StatusCode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requests to the engine: each bad input answered with its own precise status while the engine keeps serving. */
class ExecutionEngineTest {

    private static final Color RED = new Color(230, 20, 25);
    private static final String CLASSIFIER = "colour-classifier";

    private final ExecutionEngine engine = TestEngines.samples();

    @Test
    void decodesWebPLosslessAndLossy() throws IOException {
        MultiOutputResponse response = engine.predict(request(
                CLASSIFIER,
                image("blue", Files.readAllBytes(Path.of("src/test/resources/images/blue-lossless.webp"))),
                image("green", Files.readAllBytes(Path.of("src/test/resources/images/green-lossy.webp")))));
        assertEquals(StatusCode.SUCCESS, response.getStatus().getCode());
        assertEquals(List.of("blue", "green"), topConcepts(response));
    }

    @Test
    void eachBadInputFailsAloneWithAPreciseStatus() {
        byte[] png = TestInputs.solid(RED, 40);
        MultiOutputResponse response = engine.predict(request(
                CLASSIFIER,
                image("good", png),
                image("not-an-image", "just some text".getBytes()),
                image("truncated", Arrays.copyOf(png, png.length / 2)),
                Input.newBuilder().setId("empty").build(),
                text("text-to-an-image-model", "a red square"),
                Input.newBuilder()
                        .setId("url")
                        .setData(Data.newBuilder().setImage(Image.newBuilder().setUrl("https://example.com/x.png")))
                        .build(),
                image("also-good", png)));
        assertEquals(StatusCode.MIXED_STATUS, response.getStatus().getCode());
        assertEquals("5 of 7 inputs failed", response.getStatus().getDetails());
        assertStatus(response.getOutputs(0), StatusCode.SUCCESS, "");
        assertStatus(response.getOutputs(1), StatusCode.INPUT_UNSUPPORTED_FORMAT, "not JPEG, PNG, WebP");
        assertStatus(response.getOutputs(2), StatusCode.INPUT_INVALID_ARGUMENT, "truncated or corrupt");
        assertStatus(response.getOutputs(3), StatusCode.INPUT_INVALID_REQUEST, "no data.image");
        assertStatus(response.getOutputs(4), StatusCode.INPUT_INVALID_REQUEST, "(it has text)");
        assertStatus(response.getOutputs(5), StatusCode.INPUT_INVALID_REQUEST, "send the image bytes");
        assertStatus(response.getOutputs(6), StatusCode.SUCCESS, "");
        assertEquals(
                List.of("good", "not-an-image", "truncated", "empty", "text-to-an-image-model", "url", "also-good"),
                response.getOutputsList().stream()
                        .map(o -> o.getInput().getId())
                        .toList());
        assertEquals(
                Image.getDefaultInstance().getBase64(),
                response.getOutputs(0).getInput().getData().getImage().getBase64(),
                "the bytes are not echoed");
        assertEquals(
                "red",
                engine.predict(request(CLASSIFIER, image("after", png)))
                        .getOutputs(0)
                        .getData()
                        .getConcepts(0)
                        .getId(),
                "still serving");
    }

    @Test
    void anImageOverThePixelLimitIsRefusedFromItsHeader() {
        ExecutionEngine small = TestEngines.engine(
                TestEngines.SAMPLE_MODELS,
                new TestEngines.Config(1_000, 64, 4, Duration.ofMillis(1), Duration.ofSeconds(30), 1),
                "",
                new SimpleMeterRegistry());
        byte[] png = TestInputs.solid(RED, 40);
        // Only the header survives: a decoder would call it corrupt; the limit answers first, from the header.
        byte[] headerOnly = Arrays.copyOf(png, 40);
        MultiOutputResponse response =
                small.predict(request(CLASSIFIER, image("big", headerOnly), image("small", TestInputs.solid(RED, 20))));
        assertStatus(response.getOutputs(0), StatusCode.INPUT_OVER_LIMIT, "40x40 (1600 pixels)");
        assertStatus(response.getOutputs(1), StatusCode.SUCCESS, "");
    }

    @Test
    void textOverTheModelsLimitAndEmptyTextAreRefused() {
        String long_ = "good ".repeat(33);
        MultiOutputResponse response = engine.predict(
                request("text-sentiment", text("long", long_), text("blank", "   "), text("fine", "a good day")));
        assertStatus(response.getOutputs(0), StatusCode.INPUT_OVER_LIMIT, "33 tokens; this model takes at most 32");
        assertStatus(response.getOutputs(1), StatusCode.INPUT_INVALID_REQUEST, "text.raw is empty");
        assertEquals("positive", response.getOutputs(2).getData().getConcepts(0).getId());
    }

    @Test
    void anUnknownModelOrVersionFailsEveryInput() {
        MultiOutputResponse unknown = engine.predict(request("no-such-model", text("a", "x"), text("b", "y")));
        assertEquals(StatusCode.FAILURE, unknown.getStatus().getCode());
        assertEquals(2, unknown.getOutputsCount());
        assertStatus(unknown.getOutputs(1), StatusCode.MODEL_DOES_NOT_EXIST, "'no-such-model' is not served");
        MultiOutputResponse wrongVersion =
                engine.predict(request(CLASSIFIER, image("a", TestInputs.solid(RED, 8))).toBuilder()
                        .setVersionId("7")
                        .build());
        assertStatus(wrongVersion.getOutputs(0), StatusCode.MODEL_DOES_NOT_EXIST, "no version '7'");
        MultiOutputResponse none = engine.predict(request(CLASSIFIER));
        assertEquals(StatusCode.FAILURE, none.getStatus().getCode());
        assertTrue(
                none.getStatus().getDetails().contains("1 to 128 inputs"),
                none.getStatus().getDetails());
    }

    @Test
    void outputConfigSelectsThresholdsAndLimitsConcepts() {
        Input purple = image("purple", TestInputs.solid(new Color(150, 20, 140), 16));
        Output all = engine.predict(request(CLASSIFIER, purple)).getOutputs(0);
        assertEquals(List.of("red", "blue", "green"), ids(all));
        Output top = engine.predict(request(
                        CLASSIFIER, OutputConfig.newBuilder().setMaxConcepts(1).build(), purple))
                .getOutputs(0);
        assertEquals(List.of("red"), ids(top));
        Output selected = engine.predict(request(
                        CLASSIFIER,
                        OutputConfig.newBuilder()
                                .addSelectConcepts(Concept.newBuilder().setId("green"))
                                .addSelectConcepts(Concept.newBuilder().setName("blue"))
                                .build(),
                        purple))
                .getOutputs(0);
        assertEquals(List.of("blue", "green"), ids(selected));
        float blue = all.getData().getConcepts(1).getValue();
        Output above = engine.predict(request(
                        CLASSIFIER,
                        OutputConfig.newBuilder().setMinValue(blue / 2).build(),
                        purple))
                .getOutputs(0);
        assertEquals(List.of("red", "blue"), ids(above));
    }

    @Test
    void outputConfigIsReadFromTheModelAndFromItsVersion() {
        Input purple = image("purple", TestInputs.solid(new Color(150, 20, 140), 16));
        PostModelOutputsRequest onTheModel = request(CLASSIFIER, purple).toBuilder()
                .setModel(com.clarifai.grpc.api.Model.newBuilder()
                        .setOutputInfo(OutputInfo.newBuilder()
                                .setOutputConfig(OutputConfig.newBuilder().setMaxConcepts(1))))
                .build();
        assertEquals(List.of("red"), ids(engine.predict(onTheModel).getOutputs(0)));
        PostModelOutputsRequest both = onTheModel.toBuilder()
                .setModel(onTheModel.getModel().toBuilder()
                        .setModelVersion(ModelVersion.newBuilder()
                                .setOutputInfo(OutputInfo.newBuilder()
                                        .setOutputConfig(
                                                OutputConfig.newBuilder().setMaxConcepts(2)))))
                .build();
        assertEquals(List.of("red", "blue"), ids(engine.predict(both).getOutputs(0)), "the version's wins");
    }

    @Test
    void selectingAConceptTheModelLacksIsAnInvalidArgument() {
        MultiOutputResponse response = engine.predict(request(
                CLASSIFIER,
                OutputConfig.newBuilder()
                        .addSelectConcepts(Concept.newBuilder().setName("purple"))
                        .build(),
                image("a", TestInputs.solid(RED, 8))));
        assertEquals(StatusCode.FAILURE, response.getStatus().getCode());
        assertStatus(response.getOutputs(0), StatusCode.MODEL_INVALID_ARGUMENT, "names 'purple'");
    }

    static void assertStatus(Output output, StatusCode code, String details) {
        assertEquals(code, output.getStatus().getCode(), output.getStatus().toString());
        assertTrue(
                output.getStatus().getDetails().contains(details),
                output.getStatus().getDetails());
    }

    private static List<String> ids(Output output) {
        return output.getData().getConceptsList().stream().map(Concept::getId).toList();
    }

    private static List<String> topConcepts(MultiOutputResponse response) {
        return response.getOutputsList().stream()
                .map(o -> o.getData().getConcepts(0).getId())
                .toList();
    }
}
