package dev.runneragent.testing;

import io.quarkus.test.common.QuarkusTestResource;

/** Applies {@link TestNode} to every {@code @QuarkusTest}. */
@QuarkusTestResource(TestNode.class)
public class GlobalTestResources {}
