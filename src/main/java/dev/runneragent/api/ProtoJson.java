package dev.runneragent.api;

import com.clarifai.grpc.api.Resources;
import com.clarifai.grpc.api.Service;
import com.clarifai.grpc.api.status.StatusOuterClass;
import com.clarifai.grpc.api.utils.Extensions;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.StringReader;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one JSON reader and writer of Clarifai messages, built on protobuf's {@link JsonFormat}.
 *
 * <p>Reading takes camelCase and snake_case names, enums as names or numbers, JSON {@code null} as "unset", and
 * ignores unknown fields so that newer clients keep working. Writing uses camelCase and enum names, and always
 * writes the fields Clarifai marks {@code cl_show_if_empty} (for example {@code "workflows": []}), as the API does.
 */
public final class ProtoJson {

    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().omittingInsignificantWhitespace().includingDefaultValueFields(showIfEmptyFields());
    private static final Pattern GSON_ADVICE = Pattern.compile("\\s*See https?://\\S+");

    private ProtoJson() {}

    /**
     * Merges the JSON text {@code json} into {@code builder}.
     *
     * @throws MalformedJsonException when the text is not JSON at all (syntax)
     * @throws InvalidJsonValueException when it is JSON but a value does not fit its field (type, range, enum)
     */
    public static void merge(String json, Message.Builder builder) {
        checkSyntax(json);
        try {
            PARSER.merge(json, builder);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidJsonValueException(e.getMessage());
        }
    }

    /** Writes {@code message} as compact JSON. */
    public static String print(MessageOrBuilder message) {
        try {
            return PRINTER.print(message);
        } catch (InvalidProtocolBufferException e) {
            // Only unresolvable Any types make the printer fail; the Clarifai messages we write have none.
            throw new IllegalStateException(
                    "cannot write " + message.getDescriptorForType().getName(), e);
        }
    }

    /** Parses JSON text into a tree, reporting a syntax error as {@link MalformedJsonException}. */
    public static JsonElement tree(String json) {
        checkSyntax(json);
        return JsonParser.parseString(json);
    }

    /**
     * Checks that {@code json} is one strict JSON value (RFC 8259), in one streaming pass that builds nothing.
     * protobuf's parser is lenient (it takes {@code {"id": }}), so every read passes here first.
     */
    private static void checkSyntax(String json) {
        JsonReader reader = new JsonReader(new StringReader(json));
        reader.setStrictness(Strictness.STRICT);
        try {
            reader.skipValue();
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new MalformedJsonException("unexpected content after the JSON value at " + reader.getPath());
            }
        } catch (IOException | IllegalStateException e) {
            String message = String.valueOf(e.getMessage());
            throw new MalformedJsonException(
                    GSON_ADVICE.matcher(message).replaceAll("").trim());
        }
    }

    private static Set<FieldDescriptor> showIfEmptyFields() {
        Set<FieldDescriptor> fields = new HashSet<>();
        for (FileDescriptor file : new FileDescriptor[] {
            Resources.getDescriptor(), Service.getDescriptor(), StatusOuterClass.getDescriptor()
        }) {
            for (Descriptor type : file.getMessageTypes()) {
                collectShowIfEmpty(type, fields);
            }
        }
        return Set.copyOf(fields);
    }

    /**
     * The fields Clarifai marks {@code cl_show_if_empty}, and the lists of every {@code Multi*Response} (not all of
     * them are marked, but a list answer always carries its list, even empty).
     */
    private static void collectShowIfEmpty(Descriptor type, Set<FieldDescriptor> into) {
        boolean listAnswer =
                type.getName().startsWith("Multi") && type.getName().endsWith("Response");
        for (FieldDescriptor field : type.getFields()) {
            if (field.getOptions().getExtension(Extensions.clShowIfEmpty) || (listAnswer && field.isRepeated())) {
                into.add(field);
            }
        }
        for (Descriptor nested : type.getNestedTypes()) {
            collectShowIfEmpty(nested, into);
        }
    }

    /** The body is not JSON. */
    public static final class MalformedJsonException extends RuntimeException {
        MalformedJsonException(String details) {
            super(details);
        }
    }

    /** The body is JSON, but a value does not fit the message. */
    public static final class InvalidJsonValueException extends RuntimeException {
        InvalidJsonValueException(String details) {
            super(details);
        }
    }
}
