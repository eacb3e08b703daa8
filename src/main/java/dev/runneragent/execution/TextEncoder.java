package dev.runneragent.execution;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.clarifai.grpc.api.Data;
import com.clarifai.grpc.api.status.StatusCode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Text: {@code data.text.raw} through the model's HuggingFace {@code tokenizer.json} (DJL's tokenizers, offline),
 * as token ids padded with 0 to the model's {@code maxTokens}, so that every batch has one shape. The model gets the
 * ids alone, without an attention mask: it must read 0 as padding.
 */
final class TextEncoder implements InputEncoder {

    private final HuggingFaceTokenizer tokenizer;
    private final int maxTokens;
    private final boolean addSpecialTokens;

    TextEncoder(Path tokenizerFile, int maxTokens, boolean addSpecialTokens) throws IOException {
        // No truncation or padding by the tokenizer: a text over the limit is refused, and padding is done here.
        this.tokenizer =
                HuggingFaceTokenizer.newInstance(tokenizerFile, Map.of("truncation", "false", "padding", "false"));
        this.maxTokens = maxTokens;
        this.addSpecialTokens = addSpecialTokens;
    }

    @Override
    public long[] rowShape() {
        return new long[] {maxTokens};
    }

    @Override
    public EncodedInput encode(Data data) throws RejectedInputException {
        if (!data.hasText()) {
            throw new RejectedInputException(
                    StatusCode.INPUT_INVALID_REQUEST,
                    "this model takes text; the input has no data.text"
                            + (data.hasImage() ? " (it has an image)" : ""));
        }
        String text = data.getText().getRaw();
        if (text.isBlank()) {
            throw new RejectedInputException(
                    StatusCode.INPUT_INVALID_REQUEST,
                    data.getText().getUrl().isEmpty()
                            ? "data.text.raw is empty"
                            : "data.text.url is not fetched here; send the text in data.text.raw");
        }
        Encoding encoding = tokenizer.encode(text, addSpecialTokens, false);
        long[] ids = encoding.getIds();
        if (ids.length > maxTokens) {
            throw new RejectedInputException(
                    StatusCode.INPUT_OVER_LIMIT,
                    "the text has " + ids.length + " tokens; this model takes at most " + maxTokens);
        }
        return EncodedInput.of(Arrays.copyOf(ids, maxTokens));
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
