package dev.runneragent.auth;

import com.clarifai.grpc.api.PasswordViolations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The node's password policy, answered through Clarifai's {@link PasswordViolations} fields. Checked: length
 * (8 to 128), upper case, lower case, digit, symbol, the user's id inside the password ({@code excludeNames}),
 * simple patterns such as runs and keyboard rows ({@code noSimplePasswords}) and common passwords, also in
 * leetspeak ({@code noCommonVocabs}). Not checked, because the node keeps no e-mail addresses or password history:
 * {@code excludeEmail}, {@code passwordReuse}, {@code noOverlapWithOld}, {@code passwordLifespan},
 * {@code noConfusingLetters}.
 */
public final class PasswordPolicy {

    static final int MIN_LENGTH = 8;
    static final int MAX_LENGTH = 128;
    private static final int RUN = 4;
    private static final List<String> KEYBOARD_ROWS = List.of("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890");
    private static final List<String> COMMON = List.of(
            "password",
            "passwort",
            "welcome",
            "letmein",
            "admin",
            "qwerty",
            "iloveyou",
            "monkey",
            "dragon",
            "football",
            "baseball",
            "master",
            "shadow",
            "sunshine",
            "princess",
            "login",
            "secret",
            "trustno1",
            "superman",
            "batman",
            "starwars",
            "whatever",
            "freedom",
            "hello",
            "charlie",
            "clarifai",
            "changeme",
            "default",
            "abc123");

    private PasswordPolicy() {}

    /** The violations of {@code password} for {@code userId}, and a sentence per violation. */
    public record Verdict(PasswordViolations violations, List<String> reasons) {
        public boolean passed() {
            return reasons.isEmpty();
        }
    }

    public static Verdict check(String password, String userId) {
        PasswordViolations.Builder v = PasswordViolations.newBuilder();
        List<String> reasons = new ArrayList<>();
        int length = password.codePointCount(0, password.length());
        flag(
                length < MIN_LENGTH,
                () -> v.setMinimumLength(true),
                reasons,
                "it is shorter than " + MIN_LENGTH + " characters");
        flag(
                length > MAX_LENGTH,
                () -> v.setMaximumLength(true),
                reasons,
                "it is longer than " + MAX_LENGTH + " characters");
        flag(
                password.chars().noneMatch(Character::isUpperCase),
                () -> v.setUpperCaseNeeded(true),
                reasons,
                "it has no upper-case letter");
        flag(
                password.chars().noneMatch(Character::isLowerCase),
                () -> v.setLowerCaseNeeded(true),
                reasons,
                "it has no lower-case letter");
        flag(
                password.chars().noneMatch(Character::isDigit),
                () -> v.setNumericNeeded(true),
                reasons,
                "it has no digit");
        flag(
                password.chars().allMatch(Character::isLetterOrDigit),
                () -> v.setNonAlphanumericNeeded(true),
                reasons,
                "it has no symbol");
        String lower = password.toLowerCase(Locale.ROOT);
        flag(
                userId.length() >= 3 && lower.contains(userId.toLowerCase(Locale.ROOT)),
                () -> v.setExcludeNames(true),
                reasons,
                "it contains the user id");
        flag(
                hasSimplePattern(lower),
                () -> v.setNoSimplePasswords(true),
                reasons,
                "it contains a simple pattern (a run like 'aaaa' or '1234', or a keyboard row)");
        flag(hasCommonWord(lower), () -> v.setNoCommonVocabs(true), reasons, "it contains a common password");
        return new Verdict(v.build(), reasons);
    }

    private static void flag(boolean violated, Runnable mark, List<String> reasons, String reason) {
        if (violated) {
            mark.run();
            reasons.add(reason);
        }
    }

    private static boolean hasSimplePattern(String lower) {
        for (int i = 0; i + RUN <= lower.length(); i++) {
            String window = lower.substring(i, i + RUN);
            if (isRepeat(window) || isSequence(window, 1) || isSequence(window, -1)) {
                return true;
            }
            for (String row : KEYBOARD_ROWS) {
                if (row.contains(window)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isRepeat(String window) {
        return window.chars().distinct().count() == 1;
    }

    private static boolean isSequence(String window, int step) {
        for (int i = 1; i < window.length(); i++) {
            if (window.charAt(i) - window.charAt(i - 1) != step || !Character.isLetterOrDigit(window.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasCommonWord(String lower) {
        String plain = lower.replace('0', 'o')
                .replace('1', 'i')
                .replace('3', 'e')
                .replace('4', 'a')
                .replace('5', 's')
                .replace('7', 't')
                .replace('@', 'a')
                .replace('$', 's');
        return COMMON.stream()
                .anyMatch(word -> lower.contains(word)
                        || plain.contains(word)
                        || plain.replace('i', 'l').contains(word));
    }
}
