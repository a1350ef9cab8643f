package dev.gatehouse.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.unboundid.ldap.sdk.Filter;
import dev.gatehouse.ldap.internal.FilterTemplate;
import org.junit.jupiter.api.Test;

class FilterTemplateTest {

    @Test
    void argumentsAreEscapedSoInjectionStaysAValue() throws Exception {
        FilterTemplate t = FilterTemplate.parse("(&(objectClass=person)(uid={0}))", 3);
        Filter f = t.expand("*)(uid=*))(|(uid=*", "", "");
        assertThat(f.toString()).isEqualTo("(&(objectClass=person)(uid=\\2a\\29\\28uid=\\2a\\29\\29\\28|\\28uid=\\2a))");
        assertThat(f.getComponents()[1].getAssertionValue()).isEqualTo("*)(uid=*))(|(uid=*");
        assertThat(t.expand("*", "", "").getComponents()[1].getFilterType()).isEqualTo(Filter.FILTER_TYPE_EQUALITY);
        assertThat(t.expand("a\\b\u0000", "", "").getComponents()[1].getAssertionValue()).isEqualTo("a\\b\u0000");
    }

    @Test
    void everyPlaceholderIsFilled() throws Exception {
        FilterTemplate t = FilterTemplate.parse("(|(sAMAccountName={1})(userPrincipalName={0})(dc={2})(x={1}))", 3);
        assertThat(t.expand("jdoe@corp", "jdoe", "corp").toString())
                .isEqualTo("(|(sAMAccountName=jdoe)(userPrincipalName=jdoe@corp)(dc=corp)(x=jdoe))");
    }

    @Test
    void badTemplatesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> FilterTemplate.parse("(uid=alice)", 3)).hasMessageContaining("no placeholder");
        assertThatThrownBy(() -> FilterTemplate.parse("(uid={3})", 3)).hasMessageContaining("{3} is unknown");
        assertThatThrownBy(() -> FilterTemplate.parse("(uid={0}", 3)).hasMessageContaining("not a valid LDAP filter");
    }
}
