package dev.runneragent.testing;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** RestAssured requests with a key, for resource tests. */
public final class Api {

    private Api() {}

    /** A request as the bootstrap user. */
    public static RequestSpecification asAdmin() {
        return withKey(TestNode.ADMIN_KEY);
    }

    public static RequestSpecification withKey(String key) {
        return given().header("Authorization", "Key " + key).contentType(ContentType.JSON);
    }
}
