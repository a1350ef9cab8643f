package dev.gatehouse.core.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.servlet.internal.PathFirewall;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathFirewallTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/api", "/api/v1/apikey", "/api/v1/", "/a.b/c..d/.e/f.", "/%20x", "/a%41b", "/x/.../y"})
    void ordinaryPathsPass(String path) {
        assertThat(PathFirewall.check(path)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"//a", "/a//b", "/./a", "/a/.", "/a/..", "/../a", "/a/./b", "/a/../b", ".", "..", "/a//"})
    void emptyAndDotSegmentsAreRefused(String path) {
        assertThat(PathFirewall.check(path)).isPresent();
    }

    @Test
    void aTrailingSlashIsNotAnEmptySegment() {
        assertThat(PathFirewall.check("/a/")).isEmpty();
    }

    @Test
    void reasonsNameTheProblem() {
        assertThat(PathFirewall.check("/a//b")).hasValue("Request path must not contain '//'");
        assertThat(PathFirewall.check("/a/../b")).hasValue("Request path must not contain '.' or '..' segments");
        assertThat(PathFirewall.check("/a;b")).hasValue("Request path must not contain ';'");
        assertThat(PathFirewall.check("/a%2Fb")).hasValue("Request path must not contain an encoded '/'");
        assertThat(PathFirewall.check("/a%0Ab")).hasValue("Request path contains an encoded control character");
        assertThat(PathFirewall.check("")).hasValue("Request path is empty");
    }
}
