package dev.runneragent.execution;

/** One input as the model's tensor row: floats (images) or token ids (text), already of the model's shape. */
record EncodedInput(float[] floats, long[] ids) {

    static EncodedInput of(float[] floats) {
        return new EncodedInput(floats, null);
    }

    static EncodedInput of(long[] ids) {
        return new EncodedInput(null, ids);
    }

    int length() {
        return floats != null ? floats.length : ids.length;
    }
}
