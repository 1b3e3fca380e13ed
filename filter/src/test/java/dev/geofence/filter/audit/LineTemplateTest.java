package dev.geofence.filter.audit;

import static dev.geofence.filter.audit.AuditFixtures.T0;
import static dev.geofence.filter.audit.AuditFixtures.full;
import static dev.geofence.filter.audit.AuditFixtures.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.internal.LineSlot;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LineTemplateTest {

  private static final Optional<AuditEncoder.Chain> CHAIN =
      Optional.of(new AuditEncoder.Chain(12, "c".repeat(64)));

  /** The line the encoder writes with no template at all. */
  private static String inFull(AuditRecord r, IpPrivacy privacy, String node) {
    AuditEncoder fresh = new AuditEncoder().withNode(node);
    return new String(fresh.encode(r, privacy, CHAIN), StandardCharsets.UTF_8);
  }

  /** The line the encoder writes with {@code slot} named on this thread. */
  private static String encode(
      AuditEncoder encoder, AuditRecord r, IpPrivacy privacy, LineSlot slot) {
    LineSlot before = LineSlot.enter(slot);
    try {
      AuditEncoder.Bytes line = encoder.encodeInPlace(r, privacy, CHAIN);
      return new String(line.array(), 0, line.size(), StandardCharsets.UTF_8);
    } finally {
      LineSlot.enter(before);
    }
  }

  /** The same caller's next requests: every value a template keeps is the very same object. */
  private static List<AuditRecord> nextRequests(AuditRecord first) {
    return List.of(
        first.toBuilder().timestamp(T0.plusMillis(1)).requestId("req-43").decisionMicros(5).build(),
        first.toBuilder()
            .timestamp(T0.plusSeconds(90_000))
            .httpMethod("PUT")
            .urlPath("/v1/messages?session=secret")
            .statusCode(500)
            .userId("acct-\u0007 7")
            .monitor(true)
            .build(),
        first.toBuilder()
            .requestId("")
            .httpMethod("")
            .statusCode(0)
            .urlPath("")
            .policyVersion("8")
            .databaseSha256("e".repeat(64))
            .build());
  }

  static Stream<Arguments> callers() {
    AuditRecord full = full();
    return Stream.of(
        Arguments.of("every field", full, IpPrivacy.full(), "node-1"),
        Arguments.of("truncated addresses", full, IpPrivacy.truncated(), ""),
        Arguments.of("keyed hashes of addresses", full, IpPrivacy.hmac(new byte[32]), "node-1"),
        Arguments.of(
            "few fields",
            AuditRecord.builder()
                .timestamp(T0)
                .action(AuditAction.ALLOW)
                .reason("allowed by rule default")
                .build(),
            IpPrivacy.full(),
            ""),
        Arguments.of(
            "no basis, region, flags, peer or policy",
            full.toBuilder()
                .basis("")
                .regionIsoCode("")
                .anonymizerFlags(Set.of())
                .peerAddress(null)
                .policyId("")
                .policyVersion("")
                .policySha256("")
                .build(),
            IpPrivacy.full(),
            "node-1"),
        Arguments.of(
            "an unresolvable caller with a model id that is cut and hashed",
            full.toBuilder()
                .action(AuditAction.ERROR)
                .sourceIp(null)
                .addressUnresolvable("too_many_hops")
                .requestedModel("m".repeat(300) + "\n")
                .effectiveModel("")
                .effectiveTier("")
                .build(),
            IpPrivacy.full(),
            "node-1"),
        Arguments.of(
            "a substitution by a monitor rule, IPv6",
            full.toBuilder()
                .action(AuditAction.SUBSTITUTE)
                .reason("substituted gpt-large with gpt-small by rule watched")
                .sourceIp(ip("2001:db8::7"))
                .effectiveModel("gpt-small")
                .effectiveTier("standard")
                .monitor(true)
                .build(),
            IpPrivacy.full(),
            "node-1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("callers")
  void aRepeatCallersLinesFromATemplateAreTheLinesEncodedInFull(
      String name, AuditRecord first, IpPrivacy privacy, String node) {
    LineSlot slot = new LineSlot();
    AuditEncoder encoder = new AuditEncoder().withNode(node);

    // The first line only marks the slot, the second makes the template, later ones copy it.
    assertThat(encode(encoder, first, privacy, slot)).isEqualTo(inFull(first, privacy, node));
    assertThat(slot.template()).isNotInstanceOf(LineTemplate.class);
    assertThat(encode(encoder, first, privacy, slot)).isEqualTo(inFull(first, privacy, node));
    Object made = slot.template();
    assertThat(made).isInstanceOf(LineTemplate.class);
    for (AuditRecord next : nextRequests(first)) {
      assertThat(LineTemplate.in(slot, next, privacy)).as("fits the next request").isSameAs(made);
      assertThat(encode(encoder, next, privacy, slot)).isEqualTo(inFull(next, privacy, node));
    }
    assertThat(slot.template()).as("not made again").isSameAs(made);
  }

  static Stream<Arguments> otherValues() {
    List<UnaryOperator<AuditRecord.Builder>> changes =
        List.of(
            b -> b.action(AuditAction.ALLOW),
            b -> b.ruleName("other-rule"),
            b -> b.sourceIp(ip("203.0.113.78")),
            b -> b.sourceIp(ip("203.0.113.77")), // equal, but another object: compared by identity
            b -> b.country("IQ"),
            b -> b.regionIsoCode("IR-07"),
            b -> b.basis("another basis"),
            b -> b.requestedModel("gpt-small"),
            b -> b.requestedTier("standard"),
            b -> b.effectiveModel("gpt-small"),
            b -> b.effectiveTier("standard"),
            b -> b.registeredCountry("FR"),
            b -> b.anonymizerFlags(Set.of("tor")),
            b -> b.addressSource("peer"),
            b -> b.peerAddress(ip("10.9.9.9")),
            b -> b.addressUnresolvable("malformed"));
    return changes.stream().map(c -> Arguments.of(changes.indexOf(c), c));
  }

  @ParameterizedTest(name = "change {0}")
  @MethodSource("otherValues")
  void aRecordWithTheSameReasonButAnotherValueIsEncodedInFull(
      int index, UnaryOperator<AuditRecord.Builder> change) {
    AuditRecord first = full();
    LineSlot slot = new LineSlot();
    AuditEncoder encoder = new AuditEncoder();
    encode(encoder, first, IpPrivacy.full(), slot);
    encode(encoder, first, IpPrivacy.full(), slot);
    assertThat(LineTemplate.in(slot, first, IpPrivacy.full())).isNotNull();
    AuditRecord other = change.apply(first.toBuilder()).build();

    assertThat(LineTemplate.in(slot, other, IpPrivacy.full())).isNull();
    assertThat(encode(encoder, other, IpPrivacy.full(), slot))
        .isEqualTo(inFull(other, IpPrivacy.full(), ""));
    assertThat(LineTemplate.in(slot, other, IpPrivacy.full())).as("made again for it").isNotNull();
    assertThat(encode(encoder, first, IpPrivacy.full(), slot))
        .isEqualTo(inFull(first, IpPrivacy.full(), ""));
  }

  @Test
  void anotherPrivacyModeDoesNotUseTheTemplate() {
    AuditRecord first = full();
    IpPrivacy full = IpPrivacy.full();
    LineSlot slot = new LineSlot();
    AuditEncoder encoder = new AuditEncoder();
    encode(encoder, first, full, slot);
    encode(encoder, first, full, slot);
    assertThat(LineTemplate.in(slot, first, full)).isNotNull();

    IpPrivacy hashed = IpPrivacy.hmac(new byte[32]);
    assertThat(LineTemplate.in(slot, first, hashed)).isNull();
    assertThat(encode(encoder, first, hashed, slot)).isEqualTo(inFull(first, hashed, ""));
  }

  @Test
  void aTemplateThatIsNotALineTemplateIsIgnored() {
    LineSlot slot = new LineSlot();
    slot.template("not a template");
    AuditRecord r = full();

    assertThat(encode(new AuditEncoder(), r, IpPrivacy.full(), slot))
        .isEqualTo(inFull(r, IpPrivacy.full(), ""));
    assertThat(slot.template()).isInstanceOf(LineTemplate.class);
  }

  @Test
  void batchesShadowDecisionsAndUsageLimitsGetNoTemplate() {
    AuditRecord first = full();
    List<AuditRecord> records =
        List.of(
            first.toBuilder()
                .batchEntries(List.of(new AuditRecord.BatchEntry("a", "gpt-large", "")))
                .build(),
            first.toBuilder()
                .shadow(
                    new AuditRecord.Shadow(
                        "next", "1", "", AuditAction.ALLOW, "open", "gpt-large", "frontier"))
                .build(),
            first.toBuilder().usage(new AuditRecord.Usage("5/1m", List.of(), "")).build());
    for (AuditRecord r : records) {
      LineSlot slot = new LineSlot();
      AuditEncoder encoder = new AuditEncoder();
      for (int i = 0; i < 3; i++) {
        assertThat(encode(encoder, r, IpPrivacy.full(), slot))
            .isEqualTo(inFull(r, IpPrivacy.full(), ""));
      }
      assertThat(slot.template()).isNull();
    }
  }

  @Test
  void aCallerSeenOnceGetsNoTemplate() {
    LineSlot slot = new LineSlot();
    AuditRecord r = full();

    assertThat(encode(new AuditEncoder(), r, IpPrivacy.full(), slot))
        .isEqualTo(inFull(r, IpPrivacy.full(), ""));
    assertThat(slot.template()).isSameAs(LineTemplate.SEEN);
  }
}
