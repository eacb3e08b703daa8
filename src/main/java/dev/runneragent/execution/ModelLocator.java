package dev.runneragent.execution;

import com.clarifai.grpc.api.Model;
import java.util.List;

/**
 * Tells where a model can run: this node's model folder, or (from the runner package) a registered runner. The
 * workflow checks ask every locator.
 */
public interface ModelLocator {

    /** The versions of {@code modelId} this locator serves, as Model messages; empty when it serves none. */
    List<Model> served(String userId, String modelId);
}
