package dev.runneragent.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the Clarifai RPC a resource method serves (for example {@code "PostWorkflows"}). The name selects, from
 * Clarifai's own service descriptor, the response type of error answers, the key type and the scopes the caller
 * needs; {@link #kind()} selects the codes of its not-found and invalid-argument errors.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Rpc {
    String value();

    ResourceKind kind() default ResourceKind.GENERIC;
}
