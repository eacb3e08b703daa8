package dev.runneragent.execution;

import com.clarifai.grpc.api.Data;
import com.clarifai.grpc.api.Image;
import com.clarifai.grpc.api.Input;
import com.clarifai.grpc.api.Model;
import com.clarifai.grpc.api.ModelVersion;
import com.clarifai.grpc.api.OutputConfig;
import com.clarifai.grpc.api.OutputInfo;
import com.clarifai.grpc.api.PostModelOutputsRequest;
import com.clarifai.grpc.api.Text;
import com.google.protobuf.ByteString;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.ImageIO;

/** Inputs made in code, with behaviour known in advance. */
public final class TestInputs {

    private TestInputs() {}

    /** A PNG filled with one colour. */
    public static byte[] solid(Color colour, int size) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        graphics.setColor(colour);
        graphics.fillRect(0, 0, size, size);
        graphics.dispose();
        return encode(image, "png");
    }

    /** A picture with structure: a red left half, a blue right half and a green square in the middle. */
    public static BufferedImage scene(int size) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        graphics.setColor(new Color(220, 30, 30));
        graphics.fillRect(0, 0, size / 2, size);
        graphics.setColor(new Color(30, 30, 220));
        graphics.fillRect(size / 2, 0, size - size / 2, size);
        graphics.setColor(new Color(30, 200, 40));
        graphics.fillRect(size / 4, size / 4, size / 2, size / 2);
        graphics.dispose();
        return image;
    }

    /** {@code image} with every channel of every pixel moved by up to {@code amount}, reproducibly. */
    public static BufferedImage noisy(BufferedImage image, int amount, long seed) {
        Random random = new Random(seed);
        BufferedImage copy = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int r = clamp(((rgb >> 16) & 0xff) + random.nextInt(2 * amount + 1) - amount);
                int g = clamp(((rgb >> 8) & 0xff) + random.nextInt(2 * amount + 1) - amount);
                int b = clamp((rgb & 0xff) + random.nextInt(2 * amount + 1) - amount);
                copy.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return copy;
    }

    public static byte[] encode(BufferedImage image, String format) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Input image(String id, byte[] bytes) {
        return Input.newBuilder()
                .setId(id)
                .setData(Data.newBuilder().setImage(Image.newBuilder().setBase64(ByteString.copyFrom(bytes))))
                .build();
    }

    public static Input text(String id, String text) {
        return Input.newBuilder()
                .setId(id)
                .setData(Data.newBuilder().setText(Text.newBuilder().setRaw(text)))
                .build();
    }

    static PostModelOutputsRequest request(String modelId, Input... inputs) {
        return PostModelOutputsRequest.newBuilder()
                .setModelId(modelId)
                .addAllInputs(java.util.List.of(inputs))
                .build();
    }

    static PostModelOutputsRequest request(String modelId, OutputConfig config, Input... inputs) {
        return request(modelId, inputs).toBuilder()
                .setModel(Model.newBuilder()
                        .setModelVersion(ModelVersion.newBuilder()
                                .setOutputInfo(OutputInfo.newBuilder().setOutputConfig(config))))
                .build();
    }

    /** The cosine similarity of two vectors of one length, computed here independently of the node's code. */
    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    private static int clamp(int value) {
        return Math.max(0, Math.min(255, value));
    }
}
