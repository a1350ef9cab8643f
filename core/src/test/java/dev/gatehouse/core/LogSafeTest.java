package dev.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What may go into a log line: redacted credentials, quoted and escaped values. */
class LogSafeTest {

    static final String API_KEY = "gh_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v2W3x" + "4Yz9Qa";
    static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    static final String JWE = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.XFBoMYUZodetZdvTiFvSkQ";
    static final String CONCORD_KEY = "auBy4eDWrKWsyhiDp3AQiw";

    @Test
    void credentialShapesAreRecognised() {
        assertThat(LogSafe.looksLikeCredential(API_KEY)).isTrue();
        assertThat(LogSafe.looksLikeCredential(JWT)).isTrue();
        assertThat(LogSafe.looksLikeCredential(JWE)).isTrue();
        assertThat(LogSafe.looksLikeCredential(CONCORD_KEY)).isTrue();
        assertThat(LogSafe.looksLikeCredential("x".repeat(LogSafe.MAX_NAME_LENGTH + 1))).isTrue();
    }

    @Test
    void namesAreNotCredentials() {
        for (String name : new String[] {"alice", "Alice", "CORP\\alice", "john.smith@example.com", "svc_build",
                "jenkins-agent-07", "ALICE", "a.very.long.lower.case.name.x", "x".repeat(LogSafe.MAX_NAME_LENGTH)}) {
            assertThat(LogSafe.looksLikeCredential(name)).as(name).isFalse();
            assertThat(LogSafe.login(name)).isEqualTo(name);
        }
    }

    @Test
    void redactedLoginsSayWhatTheyWereButNotTheSecret() {
        assertThat(LogSafe.login(API_KEY)).isEqualTo("gh_<redacted, " + API_KEY.length() + " characters>");
        assertThat(LogSafe.login(JWE)).isEqualTo("<redacted JOSE token, " + JWE.length() + " characters>");
        assertThat(LogSafe.login(CONCORD_KEY)).isEqualTo("<redacted, 22 characters>");
        assertThat(LogSafe.login("y".repeat(5400))).isEqualTo("<redacted, 5400 characters>");
    }

    @Test
    void quotingEscapesEverythingThatCouldEndALineOrAField() {
        assertThat(LogSafe.quote("alice")).isEqualTo("\"alice\"");
        assertThat(LogSafe.quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
        assertThat(LogSafe.quote("x\r\nrealm=admin\tfrom=1")).isEqualTo("\"x\\r\\nrealm=admin\\tfrom=1\"");
        assertThat(LogSafe.quote("a\u2028b\u2029c\u0085d")).isEqualTo("\"a\\u2028b\\u2029c\\u0085d\"");
        assertThat(LogSafe.quote("evil\u202egnp.exe\u0000\u001b[31m")).isEqualTo("\"evil\\u202egnp.exe\\u0000\\u001b[31m\"");
        assertThat(LogSafe.quote("lone \ud800 surrogate, pair \ud83d\ude00")).isEqualTo("\"lone \\ud800 surrogate, pair \ud83d\ude00\"");
        assertThat(LogSafe.quote("caf\u00e9 \u00fcber")).as("ordinary letters stay").isEqualTo("\"caf\u00e9 \u00fcber\"");
        assertThat(LogSafe.quote(null)).isEqualTo("-");
    }

    @Test
    void aQuotedValueCannotForgeAnotherField() {
        String forged = "bob\" realm=\"admin\" from=\"10.0.0.1";

        String line = "user=" + LogSafe.quote(forged) + " realm=" + LogSafe.quote("corp");

        assertThat(line).isEqualTo("user=\"bob\\\" realm=\\\"admin\\\" from=\\\"10.0.0.1\" realm=\"corp\"");
        assertThat(line.split("(?<!\\\\)\"", -1)).as("only the four real quotes are unescaped").hasSize(5);
    }

    @Test
    void longValuesAreCut() {
        String quoted = LogSafe.quote("z".repeat(10_000));
        assertThat(quoted).hasSizeLessThan(300).endsWith("...(10000 characters)\"");
    }

    @Test
    void freeTextHasItsCredentialShapedWordsRedacted() {
        assertThat(LogSafe.text("no user record for '" + API_KEY + "' and realm corp does not create users"))
                .isEqualTo("\"no user record for 'gh_<redacted, " + API_KEY.length()
                        + " characters>' and realm corp does not create users\"")
                .doesNotContain(API_KEY);
        assertThat(LogSafe.text("token " + JWT + " expired\nat noon")).doesNotContain(JWT).contains("\\n");
        assertThat(LogSafe.text("user 3f2a8b1c-1234-4cde-9f00-aabbccddeeff no longer exists"))
                .as("ids are not secrets").contains("3f2a8b1c-1234-4cde-9f00-aabbccddeeff");
    }
}
