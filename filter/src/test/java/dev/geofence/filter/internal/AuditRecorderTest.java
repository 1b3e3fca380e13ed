package dev.geofence.filter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.Fixtures;
import dev.geofence.filter.Screening;
import dev.geofence.filter.address.ClientAddress;
import dev.geofence.filter.audit.AuditLog;
import dev.geofence.filter.audit.AuditRecord;
import dev.geofence.filter.audit.AuditSink;
import dev.geofence.filter.internal.response.Refusal;
import dev.geofence.filter.internal.response.RefusalReason;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sentence of a plain exchange is made once per screening and reused for its repeats, and only
 * for the very screening it was made from and the same kind of answer.
 */
class AuditRecorderTest {

  @TempDir Path dir;
  Engine engine;
  AuditRecorder recorder;
  final Fixtures.CapturingSink sink = new Fixtures.CapturingSink();

  @BeforeEach
  void start() {
    var settings =
        Fixtures.settings(Fixtures.files(dir)).auditLog(AuditLog.builder().sink(sink).build());
    engine = Engine.start(settings.build());
    recorder = AuditRecorder.start(engine.settings(), Optional::empty);
  }

  @AfterEach
  void stop() {
    recorder.close();
    engine.close();
  }

  private Screening screen(String caller) {
    ClientAddress address = engine.resolver().resolve("127.0.0.1", List.of(caller));
    return engine.screen(engine.policy(), address, engine.locate(address), "big-1", Fixtures.BUILT);
  }

  private Exchange.Arrival arrival(String id) {
    return new Exchange.Arrival(
        id,
        engine.policy(),
        Fixtures.BUILT,
        System.nanoTime(),
        "POST",
        "/v1/messages",
        Principal.NONE);
  }

  private AuditRecord record(Exchange x) {
    assertThat(recorder.record(x, x.refused() ? x.refusal().status() : 200))
        .isEqualTo(AuditSink.Delivery.WRITTEN);
    return sink.last();
  }

  private Exchange blocked(String id, Screening s) {
    return Exchange.blocked(arrival(id), s, Refusal.of(s, 451, Optional.empty()));
  }

  @Test
  void aRepeatBlockOfOneScreeningIsRecordedWithTheSentenceMadeTheFirstTime() {
    Screening s = screen(Fixtures.IR);

    AuditRecord first = record(blocked("r1", s));
    AuditRecord second = record(blocked("r2", s));

    assertThat(first.reason()).isEqualTo("blocked by rule sanctioned (rule): IR");
    assertThat(second.reason()).isSameAs(first.reason());
    assertThat(second.addressSource()).isSameAs(first.addressSource());
    assertThat(second.requestId()).isEqualTo("r2");
  }

  @Test
  void anEqualScreeningThatIsAnotherObjectGetsASentenceOfItsOwn() {
    Screening s = screen(Fixtures.IR);
    Screening equal =
        new Screening(s.caller(), s.geo(), s.origin(), s.decision(), s.policy(), s.at());

    AuditRecord first = record(blocked("r1", s));
    AuditRecord other = record(blocked("r2", equal));

    assertThat(other.reason()).isEqualTo(first.reason()).isNotSameAs(first.reason());
  }

  @Test
  void aScreeningPassedAfterItWasRefusedGetsThePassSentence() {
    Screening s = screen(Fixtures.US);

    AuditRecord refused = record(blocked("r1", s));
    AuditRecord passed = record(Exchange.passed(arrival("r2"), s, null, (String) null));
    AuditRecord again = record(Exchange.passed(arrival("r3"), s, null, (String) null));

    assertThat(refused.reason()).startsWith("blocked by rule allies");
    assertThat(passed.reason()).isEqualTo("allowed by rule allies for US");
    assertThat(again.reason()).isSameAs(passed.reason());
  }

  @Test
  void aUsageRefusalOfAScreeningWithAMemoKeepsItsOwnSentence() {
    Screening s = screen(Fixtures.IR);
    record(blocked("r1", s));

    AuditRecord usage =
        record(
            Exchange.blocked(
                arrival("r2"),
                s,
                Refusal.of(RefusalReason.USAGE_LIMIT_EXCEEDED, "10 requests per day.")));

    assertThat(usage.reason())
        .isEqualTo("usage_limit_exceeded under rule sanctioned: 10 requests per day.");
  }
}
