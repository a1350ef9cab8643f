package dev.gatehouse.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The third-party HMAC realm, enabled in the example server by configuration alone. */
class PluginRealmTest {

    @TempDir
    Path work;

    @Test
    void hmacRealmFromAPluginJarIsEnabledByConfigurationAlone() throws Exception {
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        String b64 = Base64.getEncoder().encodeToString(secret);
        try (ExampleServer server = TestServers.start(work.resolve("data"), Map.of("CI_BOT_SECRET", b64),
                "gatehouse.realms", "apikey,ldap,session,hmac",
                "realm.hmac.key.ci", "ci-bot:${env:CI_BOT_SECRET}")) {
            TestServers.Client http = new TestServers.Client(server);
            String date = Instant.now().toString();
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            String signature = Base64.getEncoder().encodeToString(
                    mac.doFinal(("GET\n/api/service/console/whoami\n" + date).getBytes(StandardCharsets.UTF_8)));

            JsonNode whoami = TestServers.json(http.get("/api/service/console/whoami",
                    "Authorization", "GH-HMAC keyId=ci, signature=" + signature, "X-Gatehouse-Date", date));
            assertThat(whoami.get("username").asText()).isEqualTo("ci-bot");
            assertThat(whoami.get("realm").asText()).isEqualTo("hmac");
            assertThat(whoami.get("userType").asText()).isEqualTo("HMAC");

            assertThat(http.get("/api/service/console/whoami", "Authorization", "GH-HMAC keyId=ci, signature=AAAA",
                    "X-Gatehouse-Date", date).statusCode()).isEqualTo(401);
            assertThat(http.get("/api/service/console/whoami").headers().allValues("WWW-Authenticate"))
                    .contains("GH-HMAC realm=\"hmac\"");
        }
    }
}
