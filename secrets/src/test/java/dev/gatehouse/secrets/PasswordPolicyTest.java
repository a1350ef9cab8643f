package dev.gatehouse.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordPolicyTest {

    private final PasswordPolicy standard = PasswordPolicy.standard();

    @Test
    void standardPolicyNeedsSevenCharactersUpperLowerAndDigit() {
        assertThat(standard.problem("Abcdef1".toCharArray())).isEmpty();
        assertThat(standard.problem("Abcde1".toCharArray())).get().asString().contains("at least 7 characters");
        assertThat(standard.problem("abcdefg1".toCharArray())).get().asString().contains("an upper-case letter");
        assertThat(standard.problem("ABCDEFG1".toCharArray())).get().asString().contains("a lower-case letter");
        assertThat(standard.problem("Abcdefgh".toCharArray())).get().asString().contains("a digit");
        assertThat(standard.problem(new char[0])).get().asString()
                .contains("at least 7 characters", "upper-case", "lower-case", "digit");
    }

    @Test
    void theMessageNeverContainsThePassword() {
        assertThat(standard.problem("hunter2".toCharArray())).get().asString().doesNotContain("hunter2");
    }

    @Test
    void rulesAreConfigurable() {
        PasswordPolicy lax = new PasswordPolicy(3, false, false, false);
        assertThat(lax.problem("abc".toCharArray())).isEmpty();
        PasswordPolicy strict = new PasswordPolicy(16, true, true, true);
        assertThat(strict.problem("Abcdef1".toCharArray())).isPresent();
    }

    @Test
    void generatedPasswordsMeetThePolicyAndDiffer() {
        char[] a = standard.generatePassword();
        char[] b = standard.generatePassword();
        assertThat(a).hasSize(PasswordPolicy.GENERATED_LENGTH);
        assertThat(standard.problem(a)).isEmpty();
        assertThat(a).isNotEqualTo(b);
        PasswordPolicy longer = new PasswordPolicy(40, true, true, true);
        assertThat(longer.generatePassword()).hasSize(40);
    }
}
