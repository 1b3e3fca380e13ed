package dev.geofence.policy;

import static dev.geofence.policy.TestPolicies.origin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The evaluation semantics, one row per rule of the reference. */
class PolicyEvaluationTest {

  private static final Instant BEFORE_GULF = Instant.parse("2026-12-01T00:00:00Z");
  private final Policy eval = TestPolicies.eval();

  @ParameterizedTest(name = "{0} asking for {1} at {2} -> {3} by {4}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          # origin                | model          | at                   | outcome             | rule       | matched | reason
          # a region containing a country blocks it, whatever the model, even with no model
          IR                      | haiku-4        | -                    | block               | sanctioned | IR      | RULE
          IR                      | -              | -                    | block               | sanctioned | IR      | RULE
          # a subdivision rule matches only that subdivision; a country rule covers every subdivision
          loc=UA sub=UA-43        | mini-1         | -                    | block               | sanctioned | UA-43   | RULE
          UA-43                   | -              | -                    | block               | sanctioned | UA-43   | RULE
          loc=UA sub=UA-30        | opus-4         | -                    | allow               | ukraine    | UA      | RULE
          UA                      | opus-4         | -                    | allow               | ukraine    | UA      | RULE
          # action: allow allows every tier
          CH                      | opus-4         | -                    | allow               | open       | CH      | RULE
          # over the limit without over-limit: blocked (the default); within it, or no model: allowed
          IN                      | sonnet-4       | -                    | block               | cap-block  | IN      | RULE
          IN                      | haiku-4        | -                    | allow               | cap-block  | IN      | RULE
          IN                      | mini-1         | -                    | allow               | cap-block  | IN      | RULE
          IN                      | -              | -                    | allow               | cap-block  | IN      | RULE
          # substitute, re-checked until within the limit: frontier -> sonnet-4 (advanced) -> haiku-4
          BR                      | opus-4         | -                    | substitute(haiku-4) | cap-sub    | BR      | RULE
          BR                      | sonnet-4-5     | -                    | substitute(haiku-4) | cap-sub    | BR      | RULE
          BR                      | haiku-3        | -                    | allow               | cap-sub    | BR      | RULE
          # no substitute on the way down: blocked
          MX                      | opus-4         | -                    | block               | cap-basic  | MX      | RULE
          MX                      | haiku-4        | -                    | block               | cap-basic  | MX      | RULE
          MX                      | mini-1         | -                    | allow               | cap-basic  | MX      | RULE
          # dated rule: skipped outside its UTC dates, in force through the end of effective-until
          AE                      | opus-4         | 2027-01-14T23:59:59Z | substitute(sonnet-4) | rest      | AE      | RULE
          AE                      | opus-4         | 2027-01-15T00:00:00Z | substitute(haiku-4) | gulf       | AE      | RULE
          AE                      | opus-4         | 2027-12-31T23:59:59Z | substitute(haiku-4) | gulf       | AE      | RULE
          AE                      | opus-4         | 2028-01-01T00:00:00Z | substitute(sonnet-4) | rest      | AE      | RULE
          # "*" matches any known country, named in the policy or not
          FR                      | opus-4         | -                    | substitute(sonnet-4) | rest      | FR      | RULE
          FR                      | sonnet-4       | -                    | allow               | rest       | FR      | RULE
          ZZ                      | sonnet-4       | -                    | allow               | rest       | ZZ      | RULE
          # tiers: case-insensitive, trimmed; a model no pattern matches gets unlisted-models (advanced)
          FR                      | CLAUDE-OPUS-4  | -                    | substitute(sonnet-4) | rest      | FR      | RULE
          # an id outside the grammar is refused before any tier pattern or rule, even for an ally
          UA                      | ' opus-4 '     | -                    | block               | model-invalid | -   | MODEL_INVALID
          UA                      | sonnet-4/../opus-4 | -                | block               | model-invalid | -   | MODEL_INVALID
          FR                      | gpt-5          | -                    | allow               | rest       | FR      | RULE
          # no country: the unknown section
          unknown                 | haiku-4        | -                    | allow               | unknown    | -       | UNKNOWN
          unknown                 | opus-4         | -                    | block               | unknown    | -       | UNKNOWN
          unknown                 | -              | -                    | allow               | unknown    | -       | UNKNOWN
          # anonymous is checked first
          loc=CH anon             | haiku-4        | -                    | block               | anonymous  | -       | ANONYMOUS
          anon                    | -              | -                    | block               | anonymous  | -       | ANONYMOUS
          # country-source [location, registered]: a rule matches if any listed country is in it
          loc=CH reg=IR           | haiku-4        | -                    | block               | sanctioned | IR      | RULE
          reg=IR                  | haiku-4        | -                    | block               | sanctioned | IR      | RULE
          loc=IR reg=CH           | haiku-4        | -                    | block               | sanctioned | IR      | RULE
          # the first rule matching any source wins, not the first source
          loc=FR reg=IN           | sonnet-4       | -                    | block               | cap-block  | IN      | RULE
          # represented country is not listed: not tested, and alone it is no country at all
          loc=CH rep=IR           | opus-4         | -                    | allow               | open       | CH      | RULE
          rep=IR                  | opus-4         | -                    | block               | unknown    | -       | UNKNOWN
          """)
  void evaluates(
      String spec,
      String model,
      String at,
      String outcome,
      String rule,
      String matched,
      String reason) {
    Instant when = at == null ? BEFORE_GULF : Instant.parse(at);

    Decision d = eval.evaluate(origin(spec), model, when);

    assertThat(d.outcome()).isEqualTo(outcome);
    assertThat(d.ruleName()).isEqualTo(rule);
    assertThat(d.matched()).isEqualTo(Optional.ofNullable(matched));
    assertThat(d.reason()).isEqualTo(Decision.Reason.valueOf(reason));
    assertThat(eval.explain(origin(spec), model, when).decision()).isEqualTo(d);
  }

  @Test
  void decisionCarriesRuleBasisMonitorModelsAndTiers() {
    Decision sanctioned = eval.evaluate(Origin.country("IR"), "opus-4", BEFORE_GULF);
    assertThat(sanctioned.basis()).contains("Sanctions list 12");
    assertThat(sanctioned.monitor()).isFalse();
    assertThat(sanctioned.requestedModel()).contains("opus-4");
    assertThat(sanctioned.requestedTier()).contains("frontier");
    assertThat(sanctioned.effectiveModel()).isEmpty();
    assertThat(sanctioned.effectiveTier()).isEmpty();
    assertThat(sanctioned.matchedSource()).contains(CountrySource.LOCATION);
    assertThat(sanctioned.isBlocked()).isTrue();

    Decision substituted = eval.evaluate(Origin.country("FR"), "Opus-4", BEFORE_GULF);
    assertThat(substituted.action()).isEqualTo(Action.SUBSTITUTE);
    assertThat(substituted.requestedModel()).contains("Opus-4");
    assertThat(substituted.requestedTier()).contains("frontier");
    assertThat(substituted.effectiveModel()).contains("sonnet-4");
    assertThat(substituted.effectiveTier()).contains("advanced");
    assertThat(substituted.monitor()).isTrue();
    assertThat(substituted.basis()).isEmpty();

    Decision allowed = eval.evaluate(Origin.country("FR"), "haiku-4", BEFORE_GULF);
    assertThat(allowed.isAllowed()).isTrue();
    assertThat(allowed.effectiveModel()).contains("haiku-4");
    assertThat(allowed.effectiveTier()).contains("standard");

    Decision registered =
        eval.evaluate(Origin.country("CH").withRegisteredCountry("IR"), null, BEFORE_GULF);
    assertThat(registered.matchedSource()).contains(CountrySource.REGISTERED);
    assertThat(registered.requestedModel()).isEmpty();
    assertThat(registered.requestedTier()).isEmpty();

    Decision anonymous =
        eval.evaluate(Origin.country("CH").withAnonymous(true), "haiku-4", BEFORE_GULF);
    assertThat(anonymous.basis()).contains("VPN policy");
    assertThat(anonymous.matched()).isEmpty();
    assertThat(anonymous.matchedSource()).isEmpty();
  }

  @Test
  void knownCountryNoRuleMatches_isBlocked_failClosed() {
    Policy p =
        TestPolicies.parse(
            "policy: p\nversion: 1\ntiers:\n  top: [a*]\nrules:\n  - name: us\n    where: US\n    action: allow\n");

    for (String model : new String[] {"a-1", "other", null}) {
      Decision d = p.evaluate(Origin.country("BR"), model, BEFORE_GULF);
      assertThat(d.action()).isEqualTo(Action.BLOCK);
      assertThat(d.reason()).isEqualTo(Decision.Reason.NO_RULE_MATCHED);
      assertThat(d.ruleName()).isEqualTo("no-rule");
      assertThat(d.matched()).isEmpty();
    }
  }

  @Test
  void withoutSections_unknownIsBlocked_andAnonymousIsDecidedByCountry() {
    Policy p =
        TestPolicies.parse(
            "policy: p\nversion: 1\ntiers:\n  top: [a*]\nrules:\n  - name: all\n    where: \"*\"\n    action: allow\n");

    Decision unknown = p.evaluate(Origin.unknown(), "a-1", BEFORE_GULF);
    assertThat(unknown.action()).isEqualTo(Action.BLOCK);
    assertThat(unknown.reason()).isEqualTo(Decision.Reason.UNKNOWN);
    assertThat(unknown.ruleName()).isEqualTo("unknown");

    Decision anonymous = p.evaluate(Origin.country("BR").withAnonymous(true), "a-1", BEFORE_GULF);
    assertThat(anonymous.action()).isEqualTo(Action.ALLOW);
    assertThat(anonymous.ruleName()).isEqualTo("all");
    assertThat(
            p.explain(Origin.country("BR").withAnonymous(true), "a-1", BEFORE_GULF)
                .steps()
                .get(0)
                .result())
        .isEqualTo(Explanation.Result.NOT_MATCHED);
  }

  @Test
  void subdivisionsBelongToTheLocation_andAreIgnoredWhenLocationIsNotASource() {
    Policy p =
        TestPolicies.parse(
            TestPolicies.EVAL.replace(
                "country-source: [location, registered]", "country-source: registered"));

    Decision d =
        p.evaluate(new Origin("UA", "UA", null, List.of("UA-43"), false), "opus-4", BEFORE_GULF);

    assertThat(d.ruleName()).isEqualTo("ukraine");
    assertThat(d.matchedSource()).contains(CountrySource.REGISTERED);
    assertThat(p.evaluate(Origin.country("IR"), "opus-4", BEFORE_GULF).reason())
        .isEqualTo(Decision.Reason.UNKNOWN);
  }

  @Test
  void tierOf_usesFirstMatchingTier_caseInsensitiveAndTrimmed_elseUnlisted() {
    assertThat(eval.tierNames()).containsExactly("frontier", "advanced", "standard", "basic");
    assertThat(eval.tierOf("claude-opus-4-1")).isEqualTo("frontier");
    assertThat(eval.tierOf("  SONNET-4\t")).isEqualTo("advanced");
    assertThat(eval.tierOf("Mini")).isEqualTo("basic");
    assertThat(eval.tierOf("something-else")).isEqualTo("advanced");
    assertThat(eval.tierOf("")).isEqualTo("advanced");
    assertThat(eval.unlistedTier()).isEqualTo("advanced");

    Policy defaultUnlisted =
        TestPolicies.parse(
            "policy: p\nversion: 1\ntiers:\n  top: [a*]\n  low: [b*]\nrules:\n  - name: all\n    where: \"*\"\n    action: allow\n");
    assertThat(defaultUnlisted.tierOf("zzz")).isEqualTo("top");
  }

  @Test
  void exposesIdVersionHashAndSources() throws PolicyException {
    assertThat(eval.id()).isEqualTo("eval");
    assertThat(eval.version()).isEqualTo("7");
    assertThat(eval.countrySources())
        .containsExactly(CountrySource.LOCATION, CountrySource.REGISTERED);
    assertThat(eval.ruleNames()).startsWith("sanctioned", "ukraine").endsWith("rest");
    assertThat(eval.sha256())
        .hasSize(64)
        .isEqualTo(Policy.parse(TestPolicies.EVAL, "other-name.yaml").sha256());
    assertThat(eval.sha256())
        .isNotEqualTo(Policy.parse(TestPolicies.EVAL + "# comment\n", "x").sha256());
    // sha256 of "policy: p\n..." bytes, checked against the JDK's digest
    assertThat(TestPolicies.example().sha256()).matches("[0-9a-f]{64}");
  }

  @Test
  void rejectsNullArguments() {
    assertThatThrownBy(() -> eval.evaluate(null, "x", BEFORE_GULF))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("origin");
    assertThatThrownBy(() -> eval.evaluate(Origin.unknown(), "x", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("at");
    assertThatThrownBy(() -> eval.tierOf(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("model");
  }

  @Test
  void explanationListsEachRuleTried_thenTheDecision() {
    Explanation e = eval.explain(Origin.country("AE"), "opus-4", BEFORE_GULF);

    assertThat(e.steps())
        .extracting(Explanation.Step::name)
        .containsExactly(
            "sanctioned", "ukraine", "open", "cap-block", "cap-sub", "cap-basic", "gulf", "rest");
    assertThat(e.steps())
        .extracting(Explanation.Step::result)
        .containsExactly(
            Explanation.Result.NOT_MATCHED,
            Explanation.Result.NOT_MATCHED,
            Explanation.Result.NOT_MATCHED,
            Explanation.Result.NOT_MATCHED,
            Explanation.Result.NOT_MATCHED,
            Explanation.Result.NOT_MATCHED,
            Explanation.Result.NOT_EFFECTIVE,
            Explanation.Result.MATCHED);
    assertThat(e.steps().get(6).detail())
        .contains("in force from 2027-01-15 until the end of 2027-12-31 (UTC)");
    assertThat(e.steps().get(7).detail())
        .isEqualTo(
            "location country AE is covered by \"*\"; allow up to advanced, then substitute");
    assertThat(e.toString()).endsWith("decision: substitute(sonnet-4) (rule 'rest')");
  }
}
