package dev.runneragent.execution;

import com.clarifai.grpc.api.Concept;
import com.clarifai.grpc.api.Data;
import com.clarifai.grpc.api.Embedding;
import com.clarifai.grpc.api.OutputConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Turns one row of a model's output into the {@code data} of its Output. */
interface OutputDecoder {

    /** The width of one output row the model must produce. */
    int width();

    Data decode(float[] row, OutputConfig config);

    static OutputDecoder of(ModelSpec spec, int embeddingWidth) {
        return spec.output() == ModelSpec.OutputKind.CONCEPTS
                ? new Concepts(spec.concepts(), spec.activation())
                : new Embeddings(embeddingWidth);
    }

    /**
     * Concepts: the activation of the model (softmax, sigmoid or none) over its scores, then the request's
     * {@code outputConfig}: {@code selectConcepts} (by id or name) keeps only those, {@code minValue} drops lower
     * values, {@code maxConcepts} keeps the highest (0 means Clarifai's default of 20); highest first.
     */
    record Concepts(List<Concept> concepts, ModelSpec.Activation activation) implements OutputDecoder {

        static final int DEFAULT_MAX_CONCEPTS = 20;

        @Override
        public int width() {
            return concepts.size();
        }

        @Override
        public Data decode(float[] row, OutputConfig config) {
            float[] values = activate(row);
            List<Concept> answer = new ArrayList<>();
            for (int i = 0; i < concepts.size(); i++) {
                Concept concept = concepts.get(i);
                // minValue 0 means "not set": with activation none, scores may be negative.
                boolean highEnough = config.getMinValue() == 0 || values[i] >= config.getMinValue();
                if (selected(concept, config) && highEnough) {
                    answer.add(concept.toBuilder()
                            .setName(concept.getName().isEmpty() ? concept.getId() : concept.getName())
                            .setValue(values[i])
                            .build());
                }
            }
            answer.sort(Comparator.comparingDouble(Concept::getValue).reversed());
            int max = config.getMaxConcepts() > 0 ? config.getMaxConcepts() : DEFAULT_MAX_CONCEPTS;
            return Data.newBuilder()
                    .addAllConcepts(answer.subList(0, Math.min(max, answer.size())))
                    .build();
        }

        private float[] activate(float[] scores) {
            float[] values = new float[scores.length];
            switch (activation) {
                case SOFTMAX -> {
                    float max = Float.NEGATIVE_INFINITY;
                    for (float score : scores) {
                        max = Math.max(max, score);
                    }
                    double sum = 0;
                    for (int i = 0; i < scores.length; i++) {
                        values[i] = (float) Math.exp(scores[i] - max);
                        sum += values[i];
                    }
                    for (int i = 0; i < scores.length; i++) {
                        values[i] /= (float) sum;
                    }
                }
                case SIGMOID -> {
                    for (int i = 0; i < scores.length; i++) {
                        values[i] = (float) (1 / (1 + Math.exp(-scores[i])));
                    }
                }
                case NONE -> System.arraycopy(scores, 0, values, 0, scores.length);
            }
            return values;
        }

        private static boolean selected(Concept concept, OutputConfig config) {
            return config.getSelectConceptsCount() == 0
                    || config.getSelectConceptsList().stream().anyMatch(wanted -> matches(wanted, concept));
        }

        /** Whether {@code wanted} (by id, or by name: a concept without one is named by its id) is {@code concept}. */
        static boolean matches(Concept wanted, Concept concept) {
            String name = concept.getName().isEmpty() ? concept.getId() : concept.getName();
            return (!wanted.getId().isEmpty() && wanted.getId().equals(concept.getId()))
                    || (!wanted.getName().isEmpty() && wanted.getName().equals(name));
        }
    }

    /** Embeddings: the row is the vector, in {@code data.embeddings[0]} with its {@code numDimensions}. */
    record Embeddings(int width) implements OutputDecoder {

        @Override
        public Data decode(float[] row, OutputConfig config) {
            Embedding.Builder embedding = Embedding.newBuilder().setNumDimensions(row.length);
            for (float value : row) {
                embedding.addVector(value);
            }
            return Data.newBuilder().addEmbeddings(embedding).build();
        }
    }
}
