package dev.gatehouse.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.Identity;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.audit.AuditEvent.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link AuditTrail} promises; run against each trail by a subclass. */
abstract class AuditTrailContract {

    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    AuditTrail trail;
    final Identity alice = Identity.builder(UUID.randomUUID(), "alice", "ldap").build();
    final Identity bob = Identity.builder(UUID.randomUUID(), "bob", "apikey").build();

    abstract AuditTrail open();

    @BeforeEach
    void start() {
        trail = open();
    }

    @AfterEach
    void stop() {
        trail.close();
    }

    private AuditEvent event(Identity who, String action, String target, int second) {
        return AuditEvent.by(who, action).at(T0.plusSeconds(second)).target(target).clientAddress("192.0.2.7");
    }

    @Test
    void recordedEventsComeBackNewestFirstWithEveryField() {
        UUID process = UUID.randomUUID();
        Identity inProcess = alice.toBuilder().process(new ProcessRef(process, "Default", Optional.empty())).build();
        trail.record(event(alice, AuditEvent.SECRET_CREATE, "secret:Default/db", 1));
        trail.record(event(inProcess, AuditEvent.SECRET_READ, "secret:Default/db", 2).detail("via crypto task"));
        List<AuditRecord> records = trail.query(AuditQuery.all()).records();
        assertThat(records).hasSize(2);
        AuditEvent read = records.get(0).event();
        assertThat(read.action()).isEqualTo(AuditEvent.SECRET_READ);
        assertThat(read.actor().orElseThrow().userId()).contains(alice.userId());
        assertThat(read.actor().orElseThrow().username()).isEqualTo("alice");
        assertThat(read.actor().orElseThrow().realm()).contains("ldap");
        assertThat(read.process()).contains(process);
        assertThat(read.target()).contains("secret:Default/db");
        assertThat(read.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(read.clientAddress()).contains("192.0.2.7");
        assertThat(read.detail()).contains("via crypto task");
        assertThat(read.at()).isEqualTo(T0.plusSeconds(2));
        assertThat(records.get(1).event().process()).isEmpty();
        assertThat(records.get(0).sequence()).isGreaterThan(records.get(1).sequence());
    }

    @Test
    void filtersCombine() {
        trail.record(event(alice, AuditEvent.SECRET_READ, "secret:Default/a", 1));
        trail.record(event(bob, AuditEvent.SECRET_READ, "secret:Default/a", 2));
        trail.record(event(alice, AuditEvent.SECRET_DELETE, "secret:Default/a", 3));
        trail.record(event(alice, AuditEvent.SECRET_READ, "secret:Default/b", 4));
        assertThat(trail.query(AuditQuery.all().actor("alice")).records()).hasSize(3);
        assertThat(trail.query(AuditQuery.all().actor("alice").action(AuditEvent.SECRET_READ)).records()).hasSize(2);
        assertThat(trail.query(AuditQuery.all().target("secret:Default/a").action(AuditEvent.SECRET_READ)).records())
                .extracting(r -> r.event().actor().orElseThrow().username()).containsExactly("bob", "alice");
        assertThat(trail.query(AuditQuery.all().from(T0.plusSeconds(2)).to(T0.plusSeconds(4))).records())
                .extracting(r -> r.event().at()).containsExactly(T0.plusSeconds(3), T0.plusSeconds(2));
        assertThat(trail.query(AuditQuery.all().actor("carol")).records()).isEmpty();
    }

    @Test
    void pagesByOffsetAndByCursorCoverEveryEventOnce() {
        for (int i = 0; i < 25; i++) {
            trail.record(event(alice, AuditEvent.SECRET_READ, "secret:Default/s" + i, i));
        }
        List<String> byCursor = new ArrayList<>();
        AuditQuery q = AuditQuery.all().limit(10);
        int pages = 0;
        while (true) {
            AuditPage page = trail.query(q);
            pages++;
            page.records().forEach(r -> byCursor.add(r.event().target().orElseThrow()));
            if (page.nextCursor().isEmpty()) {
                break;
            }
            q = q.before(page.nextCursor().get());
        }
        assertThat(pages).isEqualTo(3);
        List<String> expected = new ArrayList<>();
        for (int i = 24; i >= 0; i--) {
            expected.add("secret:Default/s" + i);
        }
        assertThat(byCursor).containsExactlyElementsOf(expected);
        List<String> byOffset = new ArrayList<>();
        for (int offset = 0; offset < 30; offset += 10) {
            trail.query(AuditQuery.all().limit(10).offset(offset)).records()
                    .forEach(r -> byOffset.add(r.event().target().orElseThrow()));
        }
        assertThat(byOffset).containsExactlyElementsOf(expected);
        assertThat(trail.query(AuditQuery.all().limit(25)).nextCursor()).as("no next page after the last").isEmpty();
    }

    @Test
    void purgeDeletesOnlyOlderEvents() {
        trail.record(event(alice, AuditEvent.LOGIN, null, 0));
        trail.record(event(alice, AuditEvent.LOGIN, null, 100));
        assertThat(trail.purgeBefore(T0.plusSeconds(50))).isEqualTo(1);
        assertThat(trail.query(AuditQuery.all()).records()).extracting(r -> r.event().at())
                .containsExactly(T0.plusSeconds(100));
    }

    @Test
    void credentialShapedUsernamesAndDetailsAreRedacted() {
        String key = "gh_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v2W3x4Y5";
        trail.record(new AuditEvent(T0, Optional.of(new AuditEvent.Actor(Optional.empty(), key, Optional.empty())),
                Optional.empty(), AuditEvent.LOGIN, Optional.empty(), Outcome.FAILURE, Optional.of("192.0.2.1"),
                Optional.empty()).detail("unknown key " + key));
        AuditEvent e = trail.query(AuditQuery.all()).records().get(0).event();
        assertThat(e.actor().orElseThrow().username()).doesNotContain(key).startsWith("gh_<redacted");
        assertThat(e.detail().orElseThrow()).doesNotContain(key);
    }
}
