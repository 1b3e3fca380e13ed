package dev.geofence.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The model id grammar, and a policy's narrowing of it. */
class ModelIdsTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        // Anthropic API
        "claude-sonnet-4-5",
        "claude-3-5-sonnet-20241022",
        "claude-opus-4-1-20250805",
        // provider prefixes (gateways, OpenRouter)
        "anthropic/claude-sonnet-4",
        "anthropic/claude-3.5-sonnet:beta",
        // Amazon Bedrock: ids, cross-region profiles, ARNs
        "anthropic.claude-3-5-sonnet-20241022-v2:0",
        "us.anthropic.claude-3-5-sonnet-20241022-v2:0",
        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0",
        // Google Vertex AI and Gemini
        "claude-3-5-sonnet-v2@20241022",
        "gemini-2.5-pro",
        "models/gemini-2.5-pro",
        "tunedModels/my-model-123",
        "publishers/google/models/gemini-1.5-pro-002",
        // OpenAI, fine-tunes, Azure deployments
        "gpt-4o-2024-08-06",
        "ft:gpt-4o-mini-2024-07-18:my-org::A1b2C3d4",
        "ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:A1b2C3d4",
        "o3-mini",
        "my_deployment.v2",
        // open models
        "meta-llama/Llama-3.1-8B-Instruct",
        "llama3.1:8b-instruct-q4_K_M",
        "accounts/fireworks/models/llama-v3p1-405b-instruct",
        "mistral-large-latest",
        // dots that are not segments
        "a.b",
        "...",
        ".hidden",
        "x/.../y"
      })
  void realIdsOfEveryProviderFamilyAreValid(String id) {
    assertThat(ModelIds.problem(id)).isEmpty();
    assertThat(ModelIds.isValid(id)).isTrue();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiterString = "=>",
      quoteCharacter = '~',
      textBlock =
          """
          ~~                                => is empty
          claude-sonnet-4/../claude-opus-4  => has a '.' or '..' segment
          claude-sonnet-4/./claude-opus-4   => has a '.' or '..' segment
          ../claude-opus-4                  => has a '.' or '..' segment
          claude-sonnet-4/..                => has a '.' or '..' segment
          claude-sonnet-4/..;x/claude-opus-4 => has a '.' or '..' segment
          a/.;/b                            => has a '.' or '..' segment
          claude-sonnet-4/%2e%2e/opus       => contains '%' at position 17
          ~claude-haiku-4 claude-opus-4~    => contains a space at position 15
          claude-haiku-4\\..\\opus        => contains '\\' at position 15
          claude-haiku-4?x=1                => contains '?' at position 15
          claude-haiku-4#x                  => contains '#' at position 15
          a,b                               => contains ',' at position 2
          a"b                               => contains '"' at position 2
          a<b                               => contains '<' at position 2
          a{b}                              => contains '{' at position 2
          a|b                               => contains '|' at position 2
          a^b                               => contains '^' at position 2
          a`b                               => contains '`' at position 2
          a[b]                              => contains '[' at position 2
          """)
  void badIdsAreRefusedWithWhereAndWhy(String id, String message) {
    assertThat(ModelIds.problem(id)).hasValueSatisfying(p -> assertThat(p).contains(message));
  }

  @Test
  void controlAndNonAsciiCharactersAreNamedByCodePoint() {
    assertThat(ModelIds.problem("claude-opus-4\u00A0"))
        .hasValueSatisfying(
            p -> assertThat(p).contains("the character U+00A0 at position 14").contains("\\u00A0"));
    assertThat(ModelIds.problem("claude\topus"))
        .hasValueSatisfying(p -> assertThat(p).contains("U+0009"));
    assertThat(ModelIds.problem("b\u0456g-1"))
        .hasValueSatisfying(p -> assertThat(p).contains("U+0456"));
    assertThat(ModelIds.problem("claude-opus-4\r\nX: 1"))
        .hasValueSatisfying(p -> assertThat(p).contains("U+000D").doesNotContain("\r"));
  }

  @Test
  void lengthIsBoundedAt256() {
    assertThat(ModelIds.problem("a".repeat(256))).isEmpty();
    assertThat(ModelIds.problem("a".repeat(257)))
        .hasValue("The model id is 257 characters long; expected at most 256.");
    assertThat(ModelIds.problem("a".repeat(2048)))
        .hasValueSatisfying(p -> assertThat(p).hasSizeLessThan(100));
  }

  private static final String POLICY =
      """
      policy: p
      version: "1"
      model-id-pattern: '(claude|anthropic/claude)-[a-z0-9.-]+'
      tiers:
        frontier: [claude-opus*]
        standard: [claude-haiku*]
      substitutes:
        frontier: claude-haiku-4
      rules:
        - name: rest
          where: "*"
          allow: frontier
      """;

  @Test
  void aPolicyPatternNarrowsTheGrammar() throws PolicyException {
    Policy policy = Policy.parse(POLICY, "p.yaml");

    assertThat(policy.modelIdPattern()).hasValue("(claude|anthropic/claude)-[a-z0-9.-]+");
    assertThat(policy.checkModelId("claude-opus-4")).isEmpty();
    assertThat(policy.checkModelId("anthropic/claude-opus-4")).isEmpty();
    assertThat(policy.checkModelId("gpt-4o"))
        .hasValue(
            "The model id 'gpt-4o' does not match the policy's model-id-pattern"
                + " '(claude|anthropic/claude)-[a-z0-9.-]+'.");
    assertThat(policy.checkModelId("claude-Opus-4")).isPresent();
  }

  @Test
  void aPolicyPatternNeverWidensTheGrammar() throws PolicyException {
    Policy policy =
        Policy.parse(POLICY.replace("'(claude|anthropic/claude)-[a-z0-9.-]+'", "'.*'"), "p.yaml");

    assertThat(policy.checkModelId("claude-sonnet-4/../claude-opus-4"))
        .hasValueSatisfying(p -> assertThat(p).contains("segment"));
    assertThat(policy.checkModelId("claude haiku")).isPresent();
    assertThat(policy.checkModelId("x".repeat(300))).isPresent();
  }

  @Test
  void aPolicyWithoutPatternUsesTheGrammarAlone() throws PolicyException {
    Policy policy = Policy.parse(POLICY.replace("model-id-pattern:", "#"), "p.yaml");

    assertThat(policy.modelIdPattern()).isEmpty();
    assertThat(policy.checkModelId("gpt-4o")).isEmpty();
    assertThat(policy.checkModelId("gpt 4o")).isPresent();
  }

  @Test
  void aBacktrackingPatternCannotMakeACallerSpin() throws PolicyException {
    Policy policy =
        Policy.parse(
            POLICY.replace("'(claude|anthropic/claude)-[a-z0-9.-]+'", "'((a+)+)+b|claude-haiku-4'"),
            "p.yaml");

    // A plain matcher takes about 30 s on 28 characters and doubles with each one more; the
    // counting view stops it after 100,000 reads.
    assertThat(policy.checkModelId("a".repeat(40) + "c"))
        .hasValueSatisfying(p -> assertThat(p).contains("takes too long to check"));
    assertThat(policy.checkModelId("aaab")).isEmpty();
  }

  @Test
  void anUnresolvableCallerIsRefusedBeforeAnyRule() throws PolicyException {
    Policy policy = Policy.parse(POLICY, "p.yaml");

    Decision d = policy.refuseUnresolvable("claude-haiku-4");

    assertThat(d.action()).isEqualTo(Action.BLOCK);
    assertThat(d.reason()).isEqualTo(Decision.Reason.UNRESOLVABLE);
    assertThat(d.ruleName()).isEqualTo("unresolvable");
    assertThat(d.requestedModel()).hasValue("claude-haiku-4");
    assertThat(d.requestedTier()).hasValue("standard");
    assertThat(d.effectiveModel()).isEmpty();
    assertThat(policy.refuseUnresolvable(null).requestedTier()).isEmpty();
    // The same caller, had it been merely of unknown country, would have been served.
    assertThat(policy.evaluate(Origin.unknown(), "claude-haiku-4", Instant.EPOCH).action())
        .isEqualTo(Action.BLOCK);
  }
}
