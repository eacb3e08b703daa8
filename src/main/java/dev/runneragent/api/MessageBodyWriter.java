package dev.runneragent.api;

import com.google.protobuf.Message;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

/**
 * Writes Clarifai messages: as JSON through {@link ProtoJson}, or in protobuf's binary encoding ({@value #PROTOBUF})
 * for clients that ask for it before JSON (this project's agents do, on the runner-item calls).
 */
@Provider
@Produces({MediaType.APPLICATION_JSON, MessageBodyWriter.PROTOBUF})
public class MessageBodyWriter implements jakarta.ws.rs.ext.MessageBodyWriter<Message> {

    /** Protobuf's binary encoding of the request or response message of the RPC. */
    public static final String PROTOBUF = "application/x-protobuf";

    public static final MediaType PROTOBUF_TYPE = MediaType.valueOf(PROTOBUF);

    /** Whether {@code type} is {@value #PROTOBUF} (parameters aside; a wildcard is not). */
    public static boolean isProtobuf(MediaType type) {
        return type != null
                && PROTOBUF_TYPE.getType().equalsIgnoreCase(type.getType())
                && PROTOBUF_TYPE.getSubtype().equalsIgnoreCase(type.getSubtype());
    }

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return Message.class.isAssignableFrom(type);
    }

    @Override
    public void writeTo(
            Message message,
            Class<?> type,
            Type genericType,
            Annotation[] annotations,
            MediaType mediaType,
            MultivaluedMap<String, Object> headers,
            OutputStream out)
            throws IOException {
        if (isProtobuf(mediaType)) {
            message.writeTo(out);
        } else {
            out.write(ProtoJson.print(message).getBytes(StandardCharsets.UTF_8));
        }
    }
}
