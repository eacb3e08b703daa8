package dev.runneragent.execution;

import com.clarifai.grpc.api.Data;
import com.clarifai.grpc.api.status.StatusCode;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Images: the bytes of {@code data.image.base64} (JPEG, PNG, GIF, BMP from the JDK, WebP from TwelveMonkeys),
 * checked against the pixel limit from the header alone, decoded, resized to the model's size and normalized into
 * a CHW float row: {@code (pixel / 255 - mean) / std} per channel.
 */
final class ImageEncoder implements InputEncoder {

    static {
        ImageIO.setUseCache(false);
        ImageIO.scanForPlugins(); // registers WebP from the application class path
    }

    private final ModelSpec spec;
    private final long maxPixels;

    ImageEncoder(ModelSpec spec, long maxPixels) {
        this.spec = spec;
        this.maxPixels = maxPixels;
    }

    @Override
    public long[] rowShape() {
        return new long[] {3, spec.imageHeight(), spec.imageWidth()};
    }

    @Override
    public EncodedInput encode(Data data) throws RejectedInputException {
        if (!data.hasImage()) {
            throw new RejectedInputException(
                    StatusCode.INPUT_INVALID_REQUEST,
                    "this model takes images; the input has no data.image" + (data.hasText() ? " (it has text)" : ""));
        }
        byte[] bytes = data.getImage().getBase64().toByteArray();
        if (bytes.length == 0) {
            throw new RejectedInputException(
                    StatusCode.INPUT_INVALID_REQUEST,
                    data.getImage().getUrl().isEmpty()
                            ? "data.image.base64 is empty"
                            : "data.image.url is not fetched here; send the image bytes in data.image.base64");
        }
        return EncodedInput.of(normalized(resized(decode(bytes))));
    }

    private BufferedImage decode(byte[] bytes) throws RejectedInputException {
        try (ImageInputStream stream = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
            if (!readers.hasNext()) {
                throw new RejectedInputException(
                        StatusCode.INPUT_UNSUPPORTED_FORMAT, "the image bytes are not JPEG, PNG, WebP, GIF or BMP");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(stream, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width * height > maxPixels) {
                    throw new RejectedInputException(
                            StatusCode.INPUT_OVER_LIMIT,
                            "the image is " + width + "x" + height + " (" + width * height
                                    + " pixels); this node takes at most " + maxPixels + " pixels");
                }
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                BufferedImage image = reader.read(0, subsampled(reader, width, height));
                if (!warnings.isEmpty()) {
                    throw corrupt(String.join("; ", warnings));
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw corrupt(e.getMessage());
        }
    }

    /**
     * Reads only every n-th pixel of an image many times larger than the model's input, keeping at least twice the
     * model's size for the resize: a large image below the limit then costs memory in proportion to the model's
     * input, not to its own size.
     */
    private ImageReadParam subsampled(ImageReader reader, long width, long height) {
        ImageReadParam param = reader.getDefaultReadParam();
        int step = (int) Math.max(1, Math.min(width / (2L * spec.imageWidth()), height / (2L * spec.imageHeight())));
        if (step > 1) {
            param.setSourceSubsampling(step, step, 0, 0);
        }
        return param;
    }

    private static RejectedInputException corrupt(String why) {
        return new RejectedInputException(
                StatusCode.INPUT_INVALID_ARGUMENT,
                "the image data is truncated or corrupt" + (why == null || why.isBlank() ? "" : ": " + why));
    }

    private BufferedImage resized(BufferedImage image) {
        int width = spec.imageWidth();
        int height = spec.imageHeight();
        BufferedImage target = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = target.createGraphics();
        try {
            graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            graphics.drawImage(image, 0, 0, width, height, null);
        } finally {
            graphics.dispose();
        }
        return target;
    }

    private float[] normalized(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        int plane = width * height;
        int[] rgb = image.getRGB(0, 0, width, height, null, 0, width);
        float[] mean = spec.mean();
        float[] std = spec.std();
        float[] row = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            int pixel = rgb[i];
            row[i] = (((pixel >> 16) & 0xff) / 255f - mean[0]) / std[0];
            row[plane + i] = (((pixel >> 8) & 0xff) / 255f - mean[1]) / std[1];
            row[2 * plane + i] = ((pixel & 0xff) / 255f - mean[2]) / std[2];
        }
        return row;
    }
}
