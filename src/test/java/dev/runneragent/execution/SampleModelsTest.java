package dev.runneragent.execution;

import static dev.runneragent.execution.TestInputs.image;
import static dev.runneragent.execution.TestInputs.request;
import static dev.runneragent.execution.TestInputs.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.Concept;
import com.clarifai.grpc.api.Data;
import com.clarifai.grpc.api.Embedding;
import com.clarifai.grpc.api.Input;
import com.clarifai.grpc.api.MultiOutputResponse;
import com.clarifai.grpc.api.Output;
import com.clarifai.grpc.api.PostModelOutputsRequest;
import com.clarifai.grpc.api.status.StatusCode;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sample models of the README's run command answer what their generator promises, concept by concept. */
class SampleModelsTest {

    private static final Color RED = new Color(230, 20, 25);
    private static final Color GREEN = new Color(25, 210, 40);
    private static final Color BLUE = new Color(20, 30, 240);

    @Test
    void colourClassifierScoresEveryConceptByTheDocumentedRule() {
        List<Color> colours = List.of(RED, GREEN, BLUE, new Color(150, 20, 140));
        MultiOutputResponse response = TestEngines.samples()
                .predict(request(
                        "colour-classifier",
                        image("red", TestInputs.solid(RED, 64)),
                        image("green", TestInputs.solid(GREEN, 48)),
                        image("blue", TestInputs.solid(BLUE, 100)),
                        image("purple", TestInputs.solid(colours.get(3), 40))));
        assertEquals(StatusCode.SUCCESS, response.getStatus().getCode());
        assertEquals(
                List.of("red", "green", "blue", "red"),
                response.getOutputsList().stream()
                        .map(o -> o.getData().getConcepts(0).getId())
                        .toList());
        for (int i = 0; i < colours.size(); i++) {
            Output output = response.getOutputs(i);
            double[] expected = colourRule(colours.get(i));
            assertEquals(3, output.getData().getConceptsCount());
            for (Concept concept : output.getData().getConceptsList()) {
                int index = List.of("red", "green", "blue").indexOf(concept.getId());
                assertEquals(expected[index], concept.getValue(), 1e-4, concept.getId() + " of input " + i);
            }
            assertEquals("colour-classifier", output.getModel().getId());
            assertEquals("1", output.getModel().getModelVersion().getId());
        }
        assertEquals("green", response.getOutputs(1).getInput().getId());
    }

    /** make_models.py's rule: softmax of 8 * (3 * mean - sum of means) over the RGB channel means (0..1). */
    static double[] colourRule(Color colour) {
        double[] mean = {colour.getRed() / 255.0, colour.getGreen() / 255.0, colour.getBlue() / 255.0};
        double sum = mean[0] + mean[1] + mean[2];
        double[] logits = new double[3];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < 3; c++) {
            logits[c] = 8 * (3 * mean[c] - sum);
            max = Math.max(max, logits[c]);
        }
        double total = 0;
        for (int c = 0; c < 3; c++) {
            logits[c] = Math.exp(logits[c] - max);
            total += logits[c];
        }
        for (int c = 0; c < 3; c++) {
            logits[c] /= total;
        }
        return logits;
    }

    @Test
    void imageEmbedderPutsANearDuplicateCloserThanAnUnrelatedImage() {
        BufferedImage scene = TestInputs.scene(96);
        MultiOutputResponse response = TestEngines.samples()
                .predict(request(
                        "image-embedder",
                        image("probe", TestInputs.encode(scene, "png")),
                        image("near", TestInputs.encode(TestInputs.noisy(scene, 12, 7), "jpg")),
                        image("far", TestInputs.solid(GREEN, 96))));
        assertEquals(StatusCode.SUCCESS, response.getStatus().getCode());
        float[] probe = vector(response.getOutputs(0));
        assertEquals(48, probe.length);
        assertEquals(48, response.getOutputs(0).getData().getEmbeddings(0).getNumDimensions());
        double near = TestInputs.cosine(probe, vector(response.getOutputs(1)));
        double far = TestInputs.cosine(probe, vector(response.getOutputs(2)));
        assertTrue(near > 0.98, "near-duplicate cosine " + near);
        assertTrue(far < 0.5, "unrelated cosine " + far);
    }

    @Test
    void colourFromEmbeddingNamesTheDominantColourOfTheEmbeddedImage() {
        List<Color> colours = List.of(RED, GREEN, BLUE);
        MultiOutputResponse embedded = TestEngines.samples()
                .predict(request(
                        "image-embedder",
                        image("red", TestInputs.solid(RED, 64)),
                        image("green", TestInputs.solid(GREEN, 48)),
                        image("blue", TestInputs.solid(BLUE, 100))));
        PostModelOutputsRequest.Builder classify =
                PostModelOutputsRequest.newBuilder().setModelId("colour-from-embedding");
        for (Output output : embedded.getOutputsList()) {
            classify.addInputs(Input.newBuilder()
                    .setId(output.getInput().getId())
                    .setData(Data.newBuilder().addEmbeddings(output.getData().getEmbeddings(0))));
        }
        classify.addInputs(Input.newBuilder()
                .setId("short")
                .setData(Data.newBuilder().addEmbeddings(Embedding.newBuilder().addVector(1f))));
        classify.addInputs(image("image", TestInputs.solid(RED, 8)));
        MultiOutputResponse response = TestEngines.samples().predict(classify.build());
        for (int i = 0; i < colours.size(); i++) {
            Output output = response.getOutputs(i);
            float[] vector = vector(embedded.getOutputs(i));
            double[] logits = new double[3];
            for (int c = 0; c < 3; c++) {
                for (int k = 0; k < 16; k++) {
                    logits[c] += 4 * vector[16 * c + k];
                }
            }
            double[] expected = softmax(logits);
            for (Concept concept : output.getData().getConceptsList()) {
                int index = List.of("red", "green", "blue").indexOf(concept.getId());
                assertEquals(expected[index], concept.getValue(), 1e-4, concept.getId() + " of input " + i);
            }
            assertEquals(
                    output.getInput().getId(), output.getData().getConcepts(0).getId());
        }
        assertEquals(
                StatusCode.INPUT_INVALID_ARGUMENT,
                response.getOutputs(3).getStatus().getCode());
        assertTrue(response.getOutputs(3).getStatus().getDetails().contains("48 numbers"));
        assertEquals(
                StatusCode.INPUT_INVALID_REQUEST,
                response.getOutputs(4).getStatus().getCode());
        assertEquals(StatusCode.MIXED_STATUS, response.getStatus().getCode());
    }

    private static double[] softmax(double[] logits) {
        double max = Math.max(logits[0], Math.max(logits[1], logits[2]));
        double total = 0;
        double[] out = new double[logits.length];
        for (int c = 0; c < logits.length; c++) {
            out[c] = Math.exp(logits[c] - max);
            total += out[c];
        }
        for (int c = 0; c < logits.length; c++) {
            out[c] /= total;
        }
        return out;
    }

    @Test
    void textEmbedderGroupsTextsByTopic() {
        MultiOutputResponse response = TestEngines.samples()
                .predict(request(
                        "text-embedder",
                        text("pets", "My cat and my dog"),
                        text("wild", "a bird and a fish"),
                        text("meal", "pizza and bread for dinner")));
        assertEquals(StatusCode.SUCCESS, response.getStatus().getCode());
        float[] pets = vector(response.getOutputs(0));
        assertEquals(8, pets.length);
        assertTrue(TestInputs.cosine(pets, vector(response.getOutputs(1))) > 0.9);
        assertTrue(TestInputs.cosine(pets, vector(response.getOutputs(2))) < 0.3);
    }

    @Test
    void textSentimentReadsTheWordsItKnows() {
        MultiOutputResponse response = TestEngines.samples()
                .predict(request(
                        "text-sentiment",
                        text("happy", "I love this, it is wonderful"),
                        text("sad", "This was terrible and I hate the rain"),
                        text("flat", "the cat is on the mat")));
        assertEquals(
                List.of("positive", "negative"),
                response.getOutputsList().subList(0, 2).stream()
                        .map(o -> o.getData().getConcepts(0).getId())
                        .toList());
        // +1 per positive word, -1 per negative word, logits (2s, -2s): love + wonderful = 2, terrible + hate = -2.
        double strong = 1 / (1 + Math.exp(-8));
        assertEquals(strong, response.getOutputs(0).getData().getConcepts(0).getValue(), 1e-5);
        assertEquals(strong, response.getOutputs(1).getData().getConcepts(0).getValue(), 1e-5);
        assertEquals(0.5f, response.getOutputs(2).getData().getConcepts(0).getValue(), 1e-5f);
    }

    static float[] vector(Output output) {
        List<Float> values = output.getData().getEmbeddings(0).getVectorList();
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = values.get(i);
        }
        return vector;
    }
}
