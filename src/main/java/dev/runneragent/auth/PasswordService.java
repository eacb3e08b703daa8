package dev.runneragent.auth;

import com.clarifai.grpc.api.PostValidatePasswordRequest;
import com.clarifai.grpc.api.SinglePasswordValidationResponse;
import com.clarifai.grpc.api.status.Status;
import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.api.Caller;
import dev.runneragent.api.ResourceKind;
import jakarta.enterprise.context.ApplicationScoped;

/** {@code PostValidatePassword}: checks a password against the {@link PasswordPolicy}. */
@ApplicationScoped
public class PasswordService {

    private static final ResourceKind KIND = ResourceKind.PASSWORD;

    public SinglePasswordValidationResponse validate(Caller caller, PostValidatePasswordRequest request) {
        String userId = caller.user(request.getUserAppId(), KIND);
        String password = request.getPassword().getPlaintext();
        if (password.isEmpty()) {
            throw KIND.invalid("password.plaintext is required");
        }
        PasswordPolicy.Verdict verdict = PasswordPolicy.check(password, userId);
        Status status = verdict.passed()
                ? Status.newBuilder()
                        .setCode(StatusCode.PASSWORD_VALIDATION_SUCCESS)
                        .build()
                : Status.newBuilder()
                        .setCode(StatusCode.PASSWORD_VALIDATION_FAILED)
                        .setDetails("the password does not meet the policy: " + String.join("; ", verdict.reasons()))
                        .build();
        return SinglePasswordValidationResponse.newBuilder()
                .setStatus(status)
                .setPasswordViolations(verdict.violations())
                .build();
    }
}
