package dev.geofence.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The pre-computed tables behind {@link Policy#evaluate} against the rule-by-rule walk of {@link
 * Policy#explain}, over every combination of place, source, model and date boundary.
 */
class DecisionTableConsistencyTest {

  private static final String MULTI_SOURCE_DATED =
      """
      policy: dated
      version: "1"
      country-source: [represented, location, registered]
      tiers:
        top: [opus*]
        mid: [sonnet*]
        low: [haiku*]
      substitutes:
        top: sonnet-4
        mid: haiku-4
      regions:
        west: [US, FR, DE]
        crimea: [UA-43]
      rules:
        - name: sanctions-2027
          where: [IR, crimea, RU]
          action: block
          effective-from: 2027-03-01
        - name: crimea-earlier
          where: crimea
          allow: low
          effective-until: 2027-02-28
        - name: west
          where: west
          action: allow
        - name: ukraine
          where: [UA, UA-14]
          allow: mid
          over-limit: substitute
        - name: temp-catch-all
          where: "*"
          allow: low
          effective-from: 2027-06-01
          effective-until: 2027-06-30
        - name: germany-late
          where: DE
          action: block
      unknown:
        allow: mid
        over-limit: substitute
      """;

  private static final String[] CODES = {
    null, "US", "FR", "DE", "IR", "RU", "UA", "CU", "BR", "AE", "SA", "CN", "KP", "GB", "NO", "ZZ"
  };
  private static final String[][] SUBDIVISIONS = {
    {}, {"UA-43"}, {"UA-14"}, {"UA-30"}, {"UA-30", "UA-43"}
  };
  private static final String[] MODELS = {
    null,
    "opus-4",
    "claude-opus-4-1",
    "sonnet-4",
    "claude-sonnet-4",
    "haiku-4",
    "claude-haiku-4",
    "mystery"
  };
  private static final Instant[] INSTANTS = {
    Instant.parse("2020-01-01T00:00:00Z"),
    Instant.parse("2027-01-14T23:59:59Z"),
    Instant.parse("2027-01-15T00:00:00Z"),
    Instant.parse("2027-02-28T23:59:59Z"),
    Instant.parse("2027-03-01T00:00:00Z"),
    Instant.parse("2027-06-01T00:00:00Z"),
    Instant.parse("2027-06-30T23:59:59Z"),
    Instant.parse("2027-07-01T00:00:00Z"),
    Instant.parse("2027-12-31T23:59:59Z"),
    Instant.parse("2028-01-01T00:00:00Z"),
  };

  @Test
  void evaluateAgreesWithExplain_forTheExample() {
    assertAgreement(TestPolicies.example());
  }

  @Test
  void evaluateAgreesWithExplain_forTheEvaluationPolicy() {
    assertAgreement(TestPolicies.eval());
  }

  @Test
  void evaluateAgreesWithExplain_forDatedRulesAndThreeSources() {
    assertAgreement(TestPolicies.parse(MULTI_SOURCE_DATED));
  }

  private static void assertAgreement(Policy policy) {
    int checked = 0;
    for (Origin origin : origins()) {
      for (String model : MODELS) {
        for (Instant at : INSTANTS) {
          Decision fast = policy.evaluate(origin, model, at);
          Decision slow = policy.explain(origin, model, at).decision();
          assertThat(fast).as("%s asking for %s at %s", origin, model, at).isEqualTo(slow);
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(10_000);
  }

  private static List<Origin> origins() {
    List<Origin> origins = new ArrayList<>();
    for (String loc : CODES) {
      for (String reg : new String[] {null, "IR", "US", "BR"}) {
        for (String rep : new String[] {null, "DE", "RU"}) {
          for (String[] subs : SUBDIVISIONS) {
            if (subs.length > 0 && !"UA".equals(loc)) {
              continue;
            }
            for (boolean anonymous : new boolean[] {false, true}) {
              origins.add(new Origin(loc, reg, rep, Arrays.asList(subs), anonymous));
            }
          }
        }
      }
    }
    return origins;
  }

  @Test
  void oneInstanceServesManyThreads_withTheSameDecisions() throws Exception {
    Policy policy = TestPolicies.parse(MULTI_SOURCE_DATED);
    List<Origin> origins = origins();
    List<Decision> expected = new ArrayList<>();
    for (Origin o : origins) {
      expected.add(policy.evaluate(o, "opus-4", INSTANTS[5]));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(
            pool.submit(
                () -> {
                  for (int round = 0; round < 20; round++) {
                    for (int i = 0; i < origins.size(); i++) {
                      if (!policy
                          .evaluate(origins.get(i), "opus-4", INSTANTS[5])
                          .equals(expected.get(i))) {
                        return false;
                      }
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> r : results) {
        assertThat(r.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
