package dev.gatehouse.session.internal;

/** The one constant-time comparison of this module. */
final class ConstantTime {

    private ConstantTime() {}

    /**
     * Whether {@code a} and {@code b} are equal, taking time that depends on their lengths only,
     * not on where they differ (as {@link java.security.MessageDigest#isEqual} for bytes).
     */
    static boolean equals(String a, String b) {
        int n = a.length();
        int diff = n ^ b.length();
        int m = Math.min(n, b.length());
        for (int i = 0; i < m; i++) {
            diff |= a.charAt(i) ^ b.charAt(i);
        }
        return diff == 0;
    }
}
