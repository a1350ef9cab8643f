package dev.gatehouse.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.ldap.internal.LoginName;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoginNameTest {

    @Test
    void plainUser() {
        LoginName n = LoginName.parse("alice").orElseThrow();
        assertThat(n.filterArguments()).containsExactly("alice", "alice", "");
        assertThat(n.domain()).isEmpty();
    }

    @Test
    void userAtDomainSplitsAtTheLastAt() {
        LoginName n = LoginName.parse("a@b@corp.example.org").orElseThrow();
        assertThat(n.user()).isEqualTo("a@b");
        assertThat(n.domain()).contains("corp.example.org");
        assertThat(n.filterArguments()).containsExactly("a@b@corp.example.org", "a@b", "corp.example.org");
    }

    @Test
    void domainBackslashUser() {
        LoginName n = LoginName.parse("CORP\\jdoe").orElseThrow();
        assertThat(n.user()).isEqualTo("jdoe");
        assertThat(n.domain()).contains("CORP");
        assertThat(n.key()).isEqualTo("corp\\jdoe");
    }

    @Test
    void unusableLoginsAreRefused() {
        for (String bad : new String[] {"", " ", "CORP\\", "\\jdoe", "jdoe@", "@corp", "al\nice", "al\u0000ice",
                "x".repeat(LoginName.MAX_LENGTH + 1)}) {
            assertThat(LoginName.parse(bad)).as(bad).isEqualTo(Optional.empty());
        }
        assertThat(LoginName.parse(null)).isEmpty();
    }
}
