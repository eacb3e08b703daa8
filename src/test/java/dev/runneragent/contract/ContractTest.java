package dev.runneragent.contract;

import com.clarifai.grpc.api.V2Grpc;
import io.quarkus.test.common.http.TestHTTPResource;
import java.net.URL;
import org.junit.jupiter.api.BeforeEach;

/**
 * The base of every {@code *ContractTest}: Clarifai's own Java client on its JSON channel, pointed at the running
 * test application, with a stub that calls as the bootstrap user.
 */
public abstract class ContractTest {

    @TestHTTPResource("/")
    URL app;

    /** The client, and the recorder of its last HTTP exchange. */
    protected ClarifaiClient clarifai;

    /** Calls as the bootstrap user, with its personal access token. */
    protected V2Grpc.V2BlockingStub admin;

    @BeforeEach
    void connect() {
        clarifai = ClarifaiClient.at(app);
        admin = clarifai.asAdmin();
    }
}
