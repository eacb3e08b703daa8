package dev.runneragent.execution;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A {@link Worker} on DJL: one TorchScript model on one device, with its own predictor. */
final class DjlWorker implements Worker {

    private final String label;
    private final ZooModel<NDList, NDList> model;
    private final Predictor<NDList, NDList> predictor;

    DjlWorker(Path dir, String weights, Device device, String label)
            throws IOException, ModelNotFoundException, MalformedModelException {
        this.label = label;
        this.model = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(dir)
                .optModelName(weights.substring(0, weights.length() - ".pt".length()))
                .optEngine("PyTorch")
                .optDevice(device)
                .optTranslator(new NoopTranslator())
                .build()
                .loadModel();
        this.predictor = model.newPredictor();
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public float[][] forward(List<EncodedInput> rows, int bucket, long[] rowShape) throws TranslateException {
        long[] dims = new long[rowShape.length + 1];
        dims[0] = bucket;
        System.arraycopy(rowShape, 0, dims, 1, rowShape.length);
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDArray input = assemble(manager, rows, bucket, new Shape(dims));
            NDList output = predictor.predict(new NDList(input));
            try {
                float[] flat = output.singletonOrThrow()
                        .toType(DataType.FLOAT32, false)
                        .toFloatArray();
                int width = flat.length / bucket;
                float[][] answers = new float[rows.size()][];
                for (int i = 0; i < rows.size(); i++) {
                    answers[i] = java.util.Arrays.copyOfRange(flat, i * width, (i + 1) * width);
                }
                return answers;
            } finally {
                output.close();
            }
        }
    }

    private static NDArray assemble(NDManager manager, List<EncodedInput> rows, int bucket, Shape shape) {
        int length = rows.get(0).length();
        if (rows.get(0).floats() != null) {
            float[] flat = new float[bucket * length];
            for (int i = 0; i < rows.size(); i++) {
                System.arraycopy(rows.get(i).floats(), 0, flat, i * length, length);
            }
            return manager.create(flat, shape);
        }
        long[] flat = new long[bucket * length];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i).ids(), 0, flat, i * length, length);
        }
        return manager.create(flat, shape);
    }

    @Override
    public void close() {
        predictor.close();
        model.close();
    }
}
