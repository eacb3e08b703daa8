package dev.runneragent.api;

import com.clarifai.grpc.api.Service;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;

/** Clarifai's own description of the {@code clarifai.api.V2} service: each RPC's messages and options. */
public final class Rpcs {

    public static final ServiceDescriptor V2 = Service.getDescriptor().findServiceByName("V2");

    private Rpcs() {}

    /** The RPC named {@code name}, e.g. {@code "PostWorkflows"}. */
    public static MethodDescriptor method(String name) {
        MethodDescriptor method = V2.findMethodByName(name);
        if (method == null) {
            throw new IllegalArgumentException("no RPC named " + name + " in clarifai.api.V2");
        }
        return method;
    }

    public static Descriptor responseType(String name) {
        return method(name).getOutputType();
    }

    /** The endpoint name keys use for endpoint-level grants, e.g. {@code "/clarifai.api.V2/PostWorkflows"}. */
    public static String endpoint(String name) {
        return "/" + V2.getFullName() + "/" + name;
    }
}
