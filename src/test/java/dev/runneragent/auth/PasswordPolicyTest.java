package dev.runneragent.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.PasswordViolations;
import org.junit.jupiter.api.Test;

class PasswordPolicyTest {

    private static final String USER = "ana";

    @Test
    void strongPasswordHasNoViolation() {
        PasswordPolicy.Verdict verdict = PasswordPolicy.check("Gq7#vLm2pX", USER);
        assertTrue(verdict.passed(), verdict.reasons().toString());
        assertEquals(PasswordViolations.getDefaultInstance(), verdict.violations());
    }

    @Test
    void lengthLimits() {
        assertTrue(PasswordPolicy.check("Gq7#vLm", USER).violations().getMinimumLength());
        assertFalse(PasswordPolicy.check("Gq7#vLm2", USER).violations().getMinimumLength());
        String tooLong = "Gq7#" + "vLm2pXwR".repeat(16);
        assertTrue(PasswordPolicy.check(tooLong, USER).violations().getMaximumLength());
    }

    @Test
    void characterClasses() {
        PasswordViolations v = PasswordPolicy.check("gq7vlmpx", USER).violations();
        assertTrue(v.getUpperCaseNeeded());
        assertTrue(v.getNonAlphanumericNeeded());
        assertFalse(v.getLowerCaseNeeded());
        assertFalse(v.getNumericNeeded());
        assertTrue(PasswordPolicy.check("GQ#VLMPX", USER).violations().getLowerCaseNeeded());
        assertTrue(PasswordPolicy.check("Gq#vLmpX", USER).violations().getNumericNeeded());
    }

    @Test
    void userIdInsidePasswordIsRefusedCaseInsensitively() {
        assertTrue(PasswordPolicy.check("Gq7#ANAvLm2", USER).violations().getExcludeNames());
        assertFalse(PasswordPolicy.check("Gq7#vLm2pX", USER).violations().getExcludeNames());
    }

    @Test
    void simplePatterns() {
        assertTrue(PasswordPolicy.check("Gq7#aaaaX", USER).violations().getNoSimplePasswords());
        assertTrue(PasswordPolicy.check("Gq7#1234X", USER).violations().getNoSimplePasswords());
        assertTrue(PasswordPolicy.check("Gq7#dcbaX", USER).violations().getNoSimplePasswords());
        assertTrue(PasswordPolicy.check("Gq7#AsdfX", USER).violations().getNoSimplePasswords());
        assertFalse(PasswordPolicy.check("Gq7#vLm2pX", USER).violations().getNoSimplePasswords());
    }

    @Test
    void commonPasswordsAlsoInLeetspeak() {
        assertTrue(PasswordPolicy.check("My-Passw0rd-9", USER).violations().getNoCommonVocabs());
        assertTrue(PasswordPolicy.check("W3lc0me!!X", USER).violations().getNoCommonVocabs());
        assertFalse(PasswordPolicy.check("Gq7#vLm2pX", USER).violations().getNoCommonVocabs());
    }
}
