package dev.gatehouse.apikey.internal;

import dev.gatehouse.apikey.ApiKeyService;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/** Validates and generates key names. */
final class KeyNames {

    private static final Pattern NAME = Pattern.compile(ApiKeyService.NAME_PATTERN);

    private KeyNames() {}

    static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** {@code key-} and 12 random base62 characters: valid, and unique in practice. */
    static String generate(SecureRandom random) {
        StringBuilder b = new StringBuilder("key-");
        Base62.random(random, b, 12);
        return b.toString();
    }
}
