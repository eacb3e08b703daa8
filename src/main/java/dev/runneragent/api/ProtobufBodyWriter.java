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

/**
 * Writes Clarifai messages in protobuf's binary encoding, for clients that ask for {@value #MEDIA_TYPE} before JSON
 * (this project's agents do, on the runner-item calls). Every endpoint answers JSON unless asked.
 */
@Provider
@Produces(ProtobufBodyWriter.MEDIA_TYPE)
public class ProtobufBodyWriter implements jakarta.ws.rs.ext.MessageBodyWriter<Message> {

    /** Protobuf's binary encoding of the request or response message of the RPC. */
    public static final String MEDIA_TYPE = "application/x-protobuf";

    public static final MediaType MEDIA = MediaType.valueOf(MEDIA_TYPE);

    /** Whether {@code type} is {@value #MEDIA_TYPE} (parameters aside; a wildcard is not). */
    public static boolean isProtobuf(MediaType type) {
        return type != null
                && MEDIA.getType().equalsIgnoreCase(type.getType())
                && MEDIA.getSubtype().equalsIgnoreCase(type.getSubtype());
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
        message.writeTo(out);
    }
}
