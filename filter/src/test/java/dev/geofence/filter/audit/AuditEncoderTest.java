package dev.geofence.filter.audit;

import static dev.geofence.filter.audit.AuditFixtures.full;
import static dev.geofence.filter.audit.AuditFixtures.ip;
import static dev.geofence.filter.audit.AuditFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.ValidationMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AuditEncoderTest {

  private static final byte[] KEY = new byte[32];

  private static Set<ValidationMessage> violations(String line) {
    return AuditFixtures.schemaViolations(line);
  }

  @Test
  void encodesEveryFieldUnderItsEcsOrGeofenceName() {
    JsonNode j = parse(full().toJson(IpPrivacy.full()));

    assertThat(j.at("/@timestamp").asText()).isEqualTo("2026-11-28T20:00:00.123Z");
    assertThat(j.at("/ecs/version").asText()).isEqualTo(AuditEncoder.ECS_VERSION);
    assertThat(j.at("/event/kind").asText()).isEqualTo("event");
    assertThat(j.at("/event/category/0").asText()).isEqualTo("web");
    assertThat(j.at("/event/type").toString()).isEqualTo("[\"access\",\"denied\"]");
    assertThat(j.at("/event/action").asText()).isEqualTo("block");
    assertThat(j.at("/event/outcome").asText()).isEqualTo("failure");
    assertThat(j.at("/event/reason").asText()).isEqualTo("country is sanctioned");
    assertThat(j.at("/event/dataset").asText()).isEqualTo("geofence.audit");
    assertThat(j.at("/rule/name").asText()).isEqualTo("sanctioned");
    assertThat(j.at("/source/ip").asText()).isEqualTo("203.0.113.77");
    assertThat(j.at("/source/geo/country_iso_code").asText()).isEqualTo("IR");
    assertThat(j.at("/source/geo/region_iso_code").asText()).isEqualTo("IR-23");
    assertThat(j.at("/http/request/method").asText()).isEqualTo("POST");
    assertThat(j.at("/http/request/id").asText()).isEqualTo("req-42");
    assertThat(j.at("/http/response/status_code").asInt()).isEqualTo(451);
    assertThat(j.at("/url/path").asText()).isEqualTo("/v1/chat/completions");
    JsonNode g = j.get("geofence");
    assertThat(g.at("/monitor").asBoolean()).isFalse();
    assertThat(g.at("/policy/id").asText()).isEqualTo("prod");
    assertThat(g.at("/policy/version").asText()).isEqualTo("7");
    assertThat(g.at("/policy/sha256").asText()).isEqualTo("a".repeat(64));
    assertThat(g.at("/basis").asText()).isEqualTo("EU Regulation 267/2012");
    assertThat(g.at("/database/type").asText()).isEqualTo("GeoIP2-Country");
    assertThat(g.at("/database/build_time").asText()).isEqualTo("2026-11-25T00:00:00.000Z");
    assertThat(g.at("/database/sha256").asText()).isEqualTo("b".repeat(64));
    assertThat(g.at("/model/requested").asText()).isEqualTo("gpt-large");
    assertThat(g.at("/model/requested_tier").asText()).isEqualTo("frontier");
    assertThat(g.at("/model/effective").asText()).isEqualTo("gpt-large");
    assertThat(g.at("/model/effective_tier").asText()).isEqualTo("frontier");
    assertThat(g.at("/registered_country_iso_code").asText()).isEqualTo("DE");
    assertThat(g.has("represented_country_iso_code"))
        .as("only for an address that has one")
        .isFalse();
    assertThat(g.at("/anonymizer").toString()).isEqualTo("[\"hosting_provider\",\"vpn\"]");
    assertThat(g.at("/address/source").asText()).isEqualTo("x-forwarded-for");
    assertThat(g.at("/address/peer_ip").asText()).isEqualTo("10.1.2.3");
    assertThat(g.at("/ip_privacy").asText()).isEqualTo("full");
    assertThat(g.at("/decision_us").asLong()).isEqualTo(37);
    assertThat(g.has("audit")).as("no chain outside the file sink").isFalse();
    assertThat(violations(full().toJson(IpPrivacy.full()))).isEmpty();
  }

  @Test
  void writesTheRepresentedCountryWhenTheLookUpGaveOne() {
    JsonNode g =
        parse(full().toBuilder().representedCountry("US").build().toJson(IpPrivacy.full()))
            .get("geofence");

    assertThat(g.at("/represented_country_iso_code").asText()).isEqualTo("US");
    assertThat(g.at("/registered_country_iso_code").asText()).isEqualTo("DE");
  }

  @Test
  void oneEncoderWritesTheSameBytesLineAfterLineAsAFreshOne_acrossAReload() {
    AuditEncoder reused = new AuditEncoder();
    AuditRecord block = full();
    AuditRecord allow =
        block.toBuilder()
            .action(AuditAction.ALLOW)
            .timestamp(AuditFixtures.T0.plusSeconds(86_400))
            .build();
    // After a reload the policy and database values are other objects with other text: the
    // encoder, which keeps those objects encoded, must write the new ones and then the old again.
    AuditRecord reloaded =
        block.toBuilder()
            .policyVersion("2026-12-01")
            .policySha256("d".repeat(64))
            .databaseSha256("e".repeat(64))
            .databaseBuildTime(AuditFixtures.T0.minusSeconds(3_600))
            .build();
    Optional<AuditEncoder.Chain> chain = Optional.of(new AuditEncoder.Chain(7, "c".repeat(64)));

    assertThat(new String(reused.encode(reloaded, IpPrivacy.full(), chain), StandardCharsets.UTF_8))
        .contains("\"version\":\"2026-12-01\"", "d".repeat(64), "e".repeat(64));
    for (AuditRecord r : new AuditRecord[] {block, allow, reloaded, block}) {
      assertThat(new String(reused.encode(r, IpPrivacy.full(), chain), StandardCharsets.UTF_8))
          .isEqualTo(
              new String(
                  new AuditEncoder().encode(r, IpPrivacy.full(), chain), StandardCharsets.UTF_8))
          .startsWith("{\"@timestamp\":\"" + UtcMillis.FORMATTER.format(r.timestamp()) + "\"");
    }
  }

  @Test
  void aLineThatFailsHalfWayDoesNotSpoilTheNextOne() {
    AuditEncoder reused = new AuditEncoder();
    AuditRecord record = full();
    String expected =
        new String(
            new AuditEncoder().encode(record, IpPrivacy.full(), Optional.empty()),
            StandardCharsets.UTF_8);
    // No privacy mode fails after the head and the event object are written.
    assertThatThrownBy(() -> reused.encode(record, null, Optional.empty()))
        .isInstanceOf(NullPointerException.class);

    assertThat(
            new String(
                reused.encode(record, IpPrivacy.full(), Optional.empty()), StandardCharsets.UTF_8))
        .isEqualTo(expected);
  }

  @Test
  void writesThePrincipalAsEcsUserId_validAgainstTheSchema() {
    String line = full().toBuilder().userId("acct-42").build().toJson(IpPrivacy.full());

    assertThat(parse(line).at("/user/id").asText()).isEqualTo("acct-42");
    assertThat(AuditLine.parse(line.getBytes(StandardCharsets.UTF_8)).orElseThrow().principal())
        .isEqualTo("acct-42");
    assertThat(violations(line)).isEmpty();
  }

  @Test
  void leavesOutWhatIsNotKnown() {
    AuditRecord bare =
        AuditRecord.builder().timestamp(AuditFixtures.T0).action(AuditAction.ALLOW).build();
    JsonNode j = parse(bare.toJson(IpPrivacy.full()));

    assertThat(j.has("rule")).isFalse();
    assertThat(j.has("url")).isFalse();
    assertThat(j.has("user")).as("no principal, no user object").isFalse();
    assertThat(j.get("source").size()).isZero();
    assertThat(j.get("http").size()).isZero();
    assertThat(j.get("geofence").fieldNames())
        .toIterable()
        .containsExactly("monitor", "ip_privacy", "decision_us");
    assertThat(violations(bare.toJson(IpPrivacy.full()))).isEmpty();
  }

  static Stream<Arguments> privacyModes() {
    return Stream.of(
        Arguments.of(IpPrivacy.full(), "203.0.113.77", "10.1.2.3"),
        Arguments.of(IpPrivacy.truncated(), "203.0.113.0", "10.1.2.0"));
  }

  @ParameterizedTest
  @MethodSource("privacyModes")
  void fullAndTruncatedWriteSourceIpAndPeerIp(IpPrivacy privacy, String source, String peer) {
    String line = full().toJson(privacy);
    JsonNode j = parse(line);

    assertThat(j.at("/source/ip").asText()).isEqualTo(source);
    assertThat(j.at("/geofence/address/peer_ip").asText()).isEqualTo(peer);
    assertThat(j.at("/geofence/ip_privacy").asText()).isEqualTo(privacy.mode().label);
    assertThat(line).doesNotContain("hmac\"");
    assertThat(violations(line)).isEmpty();
  }

  @Test
  void truncatedIpv6KeepsTheSlash48() {
    AuditRecord v6 = full().toBuilder().sourceIp(ip("2001:db8:abcd:1234::99")).build();
    assertThat(parse(v6.toJson(IpPrivacy.truncated())).at("/source/ip").asText())
        .isEqualTo("2001:db8:abcd::");
  }

  @Test
  void hmacWritesPseudonymsAndNoAddressAnywhere() {
    IpPrivacy privacy = IpPrivacy.hmac(KEY);
    String line = full().toJson(privacy);
    JsonNode j = parse(line);

    // ECS maps source.ip as an IP field: a pseudonym there would make Elasticsearch reject the
    // line.
    assertThat(j.at("/source/ip").isMissingNode()).isTrue();
    assertThat(j.at("/geofence/source_ip_hmac").asText())
        .isEqualTo(privacy.apply(ip("203.0.113.77")));
    assertThat(j.at("/geofence/address/peer_ip_hmac").asText())
        .isEqualTo(privacy.apply(ip("10.1.2.3")));
    assertThat(j.at("/geofence/ip_privacy").asText()).isEqualTo("hmac-sha256");
    assertThat(line).doesNotContain("203.0.113").doesNotContain("10.1.2");
    assertThat(violations(line)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(AuditAction.class)
  void everyActionValidatesAgainstTheSchema(AuditAction action) {
    String line =
        full().toBuilder().action(action).monitor(true).build().toJson(IpPrivacy.truncated());
    assertThat(violations(line)).isEmpty();
    assertThat(parse(line).at("/event/action").asText()).isEqualTo(action.label());
    assertThat(parse(line).at("/event/outcome").asText()).isEqualTo(action.outcome());
  }

  @Test
  void aBatchListsEachEntrysModelsInOrderAndValidatesAgainstTheSchema() {
    String odd = "x".repeat(300);
    String line =
        full().toBuilder()
            .action(AuditAction.SUBSTITUTE)
            .batchEntries(
                java.util.List.of(
                    new AuditRecord.BatchEntry("a", "mid-2", "mid-2"),
                    new AuditRecord.BatchEntry("b\n", "big-1", "mid-1"),
                    new AuditRecord.BatchEntry("c", odd, null)))
            .build()
            .toJson(IpPrivacy.full());

    JsonNode batch = parse(line).at("/geofence/batch");
    assertThat(batch).hasSize(3);
    assertThat(batch.get(0).toString())
        .isEqualTo("{\"custom_id\":\"a\",\"requested\":\"mid-2\",\"effective\":\"mid-2\"}");
    assertThat(batch.get(1).get("custom_id").asText()).isEqualTo("b");
    assertThat(batch.get(2).has("effective")).isFalse();
    assertThat(batch.get(2).get("truncated").asBoolean()).isTrue();
    assertThat(batch.get(2).get("requested_sha256").asText()).hasSize(64);
    assertThat(violations(line)).isEmpty();
  }

  @Test
  void aRecordWithoutBatchEntriesWritesNoBatchField() {
    assertThat(parse(full().toJson(IpPrivacy.full())).at("/geofence").has("batch")).isFalse();
  }

  @Test
  void chainedAndMetaLinesValidateAgainstTheSchema() {
    AuditEncoder encoder = new AuditEncoder();
    AuditEncoder.Chain chain = new AuditEncoder.Chain(7, "c".repeat(64));
    Map<AuditAction, Long> byAction = new LinkedHashMap<>();
    byAction.put(AuditAction.ALLOW, 3L);
    byAction.put(AuditAction.BLOCK, 1L);

    String chained =
        new String(
            encoder.encode(full(), IpPrivacy.full(), Optional.of(chain)), StandardCharsets.UTF_8);
    String lost =
        new String(
            encoder.encodeRecordsLost(
                AuditFixtures.T0,
                4,
                byAction,
                Instant.parse("2026-11-28T19:59:00Z"),
                "the audit queue is full",
                Optional.of(chain)),
            StandardCharsets.UTF_8);
    String restart =
        new String(
            encoder.encodeChainRestart(AuditFixtures.T0, "audit-000001-x.jsonl", 37, chain),
            StandardCharsets.UTF_8);

    assertThat(parse(chained).at("/geofence/audit/seq").asLong()).isEqualTo(7);
    assertThat(parse(chained).at("/geofence/audit/prev_hash").asText()).isEqualTo("c".repeat(64));
    assertThat(parse(lost).at("/event/action").asText()).isEqualTo("records_lost");
    assertThat(parse(lost).at("/geofence/lost/count").asLong()).isEqualTo(4);
    assertThat(parse(lost).at("/geofence/lost/allow").asLong()).isEqualTo(3);
    assertThat(parse(restart).at("/geofence/restart/truncated_bytes").asLong()).isEqualTo(37);
    assertThat(violations(chained)).isEmpty();
    assertThat(violations(lost)).isEmpty();
    assertThat(violations(restart)).isEmpty();
  }

  @Test
  void schemaRejectsALineWithAnUnknownFieldOrAction() {
    String line = full().toJson(IpPrivacy.full());
    assertThat(violations(line.replace("\"basis\"", "\"bassis\""))).isNotEmpty();
    assertThat(violations(line.replace("\"action\":\"block\"", "\"action\":\"maybe\"")))
        .isNotEmpty();
  }

  @Test
  void stripsControlCharactersFromRequestValues() {
    AuditRecord hostile =
        full().toBuilder()
            .urlPath("/v1/chat\r\nX-Injected: 1")
            .httpMethod("PO\u0000ST")
            .requestedModel("gpt\u2028large\u0085")
            .requestId("id\tx\u001b[31m")
            .addressSource("x-forwarded-for\n")
            .build();
    String line = hostile.toJson(IpPrivacy.full());
    JsonNode j = parse(line);

    assertThat(line)
        .doesNotContain("\n")
        .doesNotContain("\\n")
        .doesNotContain("\\r")
        .doesNotContain("\\u");
    assertThat(j.at("/url/path").asText()).isEqualTo("/v1/chatX-Injected: 1");
    assertThat(j.at("/http/request/method").asText()).isEqualTo("POST");
    assertThat(j.at("/geofence/model/requested").asText()).isEqualTo("gptlarge");
    assertThat(j.at("/http/request/id").asText()).isEqualTo("idx[31m");
    assertThat(j.at("/geofence/address/source").asText()).isEqualTo("x-forwarded-for");
  }

  @Test
  void anAlteredModelValueCarriesTheHashOfWhatWasSentAndTheFlag() throws Exception {
    String sent = "claude-haiku-4\u0000" + "x".repeat(2000);
    AuditRecord record =
        full().toBuilder().requestedModel(sent).effectiveModel("claude-haiku-4").build();

    String line = record.toJson(IpPrivacy.full());
    JsonNode model = parse(line).at("/geofence/model");

    assertThat(model.at("/requested").asText()).hasSize(256).startsWith("claude-haiku-4x");
    assertThat(model.at("/requested_sha256").asText())
        .isEqualTo(
            java.util.HexFormat.of()
                .formatHex(
                    java.security.MessageDigest.getInstance("SHA-256")
                        .digest(sent.getBytes(StandardCharsets.UTF_8))));
    assertThat(model.at("/truncated").asBoolean()).isTrue();
    assertThat(model.at("/effective").asText()).isEqualTo("claude-haiku-4");
    assertThat(model.has("effective_sha256")).isFalse();
    assertThat(violations(line)).isEmpty();
  }

  @Test
  void aModelValueWrittenAsSentHasNoHashOrFlag() {
    String line =
        full().toBuilder().requestedModel("m".repeat(256)).build().toJson(IpPrivacy.full());

    assertThat(parse(line).at("/geofence/model/requested").asText()).isEqualTo("m".repeat(256));
    assertThat(line).doesNotContain("truncated").doesNotContain("_sha256");
  }

  @Test
  void anUnresolvableCallerIsRecordedWithTheRuleOfTheWalkItBroke() {
    String line =
        full().toBuilder()
            .sourceIp(null)
            .addressSource("x-forwarded-for")
            .addressUnresolvable("too_many_hops")
            .ruleName("unresolvable")
            .build()
            .toJson(IpPrivacy.full());

    assertThat(parse(line).at("/geofence/address/unresolvable").asText())
        .isEqualTo("too_many_hops");
    assertThat(parse(line).at("/source/ip").isMissingNode()).isTrue();
    assertThat(violations(line)).isEmpty();
    assertThat(violations(line.replace("too_many_hops", "made_up"))).isNotEmpty();
  }

  @Test
  void boundsTheLengthOfRequestValues() {
    AuditRecord hostile =
        full().toBuilder()
            .urlPath("/" + "a".repeat(10_000))
            .requestedModel("m".repeat(10_000))
            .reason("r".repeat(10_000))
            .build();
    JsonNode j = parse(hostile.toJson(IpPrivacy.full()));

    assertThat(j.at("/url/path").asText()).hasSize(AuditEncoder.MAX_PATH);
    assertThat(j.at("/geofence/model/requested").asText()).hasSize(AuditEncoder.MAX_TEXT);
    assertThat(j.at("/event/reason").asText()).hasSize(AuditEncoder.MAX_REASON);
  }

  @Test
  void cuttingDoesNotSplitASurrogatePair() {
    String emoji = "\uD83D\uDE00";
    String cut =
        AuditEncoder.clean("a".repeat(AuditEncoder.MAX_TEXT - 1) + emoji, AuditEncoder.MAX_TEXT);
    assertThat(cut).isEqualTo("a".repeat(AuditEncoder.MAX_TEXT - 1));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"/v1/chat?api_key=secret", "/v1/chat#frag", "/v1/chat;jsessionid=abc?x=1"})
  void neverWritesQueryStringFragmentOrPathParameters(String raw) {
    String line = full().toBuilder().urlPath(raw).build().toJson(IpPrivacy.full());
    assertThat(parse(line).at("/url/path").asText()).isEqualTo("/v1/chat");
    assertThat(line).doesNotContain("secret").doesNotContain("jsessionid");
  }
}
