package dev.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one normalisation of logins that the throttle and the user directory share. */
class LoginTest {

    @Test
    void spellingsOfOneLoginReduceToOneUser() {
        for (String typed : new String[] {"alice", " alice", "alice  ", "ALICE", "\u00a0Alice\t",
                "\uff41\uff4c\uff49\uff43\uff45", "CORP\\alice", "corp\\ALICE", "x\\y\\alice", "alice@corp.example",
                "CORP\uff3calice", "alice\uff20corp", "Other\\Alice@corp"}) {
            assertThat(Login.parse(typed)).as(typed).map(Login::user).hasValue("alice");
        }
    }

    @Test
    void theDomainIsKeptApartFromTheUser() {
        assertThat(Login.parse("CORP\\alice")).hasValue(new Login("alice", Optional.of("corp")));
        assertThat(Login.parse("alice@Corp.Example")).hasValue(new Login("alice", Optional.of("corp.example")));
        assertThat(Login.parse("alice")).hasValue(new Login("alice", Optional.empty()));
    }

    @Test
    void formsTheHostDoesNotRecogniseStayPartOfTheUser() {
        assertThat(Login.parse("alice@corp", Set.of(Login.Form.DOMAIN_BACKSLASH_USER))).map(Login::user).hasValue("alice@corp");
        assertThat(Login.parse("CORP\\alice", Set.of(Login.Form.USER_AT_DOMAIN))).map(Login::user).hasValue("corp\\alice");
        assertThat(Login.parse(" CORP\\Alice ", Set.of())).map(Login::user).hasValue("corp\\alice");
    }

    @Test
    void overLongBlankAndControlCharacterLoginsAreUnusable() {
        assertThat(Login.parse("a".repeat(Login.MAX_LENGTH))).isPresent();
        assertThat(Login.parse("a".repeat(Login.MAX_LENGTH + 1))).isEmpty();
        assertThat(Login.parse("x".repeat(5400))).isEmpty();
        // NFKC can lengthen a string: U+FDFA becomes 18 characters.
        assertThat(Login.parse("\ufdfa".repeat(20))).isEmpty();
        assertThat(Login.parse("   ")).isEmpty();
        assertThat(Login.parse("")).isEmpty();
        assertThat(Login.parse("ali\u0000ce")).isEmpty();
        assertThat(Login.parse("CORP\\")).isEmpty();
        assertThat(Login.parse("@corp")).isEmpty();
    }

    @Test
    void lowerCasingIgnoresTheDefaultLocale() {
        assertThat(Login.normalise("ADMIN")).isEqualTo("admin");
        assertThat(Login.normalise("\u0130")).as("dotted capital I lower-cases the ROOT way").isEqualTo("i\u0307");
    }

    @Test
    void theUserDirectoryUsesTheSameNormalisation() {
        UserDirectory users = UserDirectory.inMemory(Clock.systemUTC());
        users.create(NewUser.of("\uff41\uff4c\uff49\uff43\uff45", UserType.LOCAL));

        assertThat(users.findByUsername(" Alice ", Optional.empty())).map(User::username).hasValue("alice");
        assertThat(NewUser.normaliseName("username", "\uff21\uff44\uff4d\uff49\uff4e")).isEqualTo("admin");
    }
}
