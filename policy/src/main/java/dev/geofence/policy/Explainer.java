package dev.geofence.policy;

import dev.geofence.policy.Explanation.Result;
import dev.geofence.policy.Explanation.Step;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Walks the rules one by one, the way the policy reads, to explain a decision. It is also the
 * reference the pre-computed tables of {@link Policy#evaluate} are tested against. One per call.
 */
final class Explainer {

  private final Policy policy;
  private final PolicyModel model;
  private final Origin origin;
  private final Instant at;
  private final int slot;
  private final Optional<String> requestedModel;
  private final Optional<String> requestedTier;
  private final List<Step> steps = new ArrayList<>();

  Explainer(Policy policy, Origin origin, String requestedModel, Instant at) {
    this.policy = policy;
    this.model = policy.model();
    this.origin = origin;
    this.at = at;
    this.slot = policy.slotOf(requestedModel);
    this.requestedModel = Optional.ofNullable(requestedModel);
    this.requestedTier = policy.tierOptional(slot);
  }

  /** A code of the caller that a rule matched, and which country field it came from. */
  private record Hit(String code, CountrySource source, String how) {}

  Explanation explain() {
    if (requestedModel.isPresent()) {
      Optional<String> invalid = policy.checkModelId(requestedModel.get());
      if (invalid.isPresent()) {
        steps.add(new Step(Policy.MODEL_INVALID_RULE, Result.MATCHED, invalid.get()));
        return new Explanation(steps, Policy.refuseInvalidModel(requestedModel.get()));
      }
    }
    if (origin.anonymous()) {
      Optional<Outcomes.Outcome> anonymous = policy.anonymousOutcome(slot);
      if (anonymous.isPresent()) {
        steps.add(
            new Step("anonymous", Result.MATCHED, "the look-up flags the caller as anonymous"));
        return done(anonymous.get(), Optional.empty(), Optional.empty());
      }
      steps.add(
          new Step(
              "anonymous",
              Result.NOT_MATCHED,
              "the caller is flagged as anonymous, but the policy has no 'anonymous' section; deciding by country"));
    }
    List<String> tested = new ArrayList<>();
    for (CountrySource source : model.sources()) {
      String country = source.of(origin);
      if (country != null) {
        tested.add(source.label() + " country " + country);
        if (source == CountrySource.LOCATION) {
          origin.subdivisions().forEach(s -> tested.add("subdivision " + s));
        }
      }
    }
    if (tested.isEmpty()) {
      steps.add(
          new Step(
              "unknown",
              Result.MATCHED,
              "the look-up gives no "
                  + String.join(" or ", model.sources().stream().map(CountrySource::label).toList())
                  + " country"));
      return done(policy.unknownOutcome(slot), Optional.empty(), Optional.empty());
    }
    long second = at.getEpochSecond();
    for (int i = 0; i < model.rules().size(); i++) {
      RuleDef rule = model.rules().get(i);
      if (!rule.activeAt(second)) {
        steps.add(
            new Step(
                rule.name(),
                Result.NOT_EFFECTIVE,
                "not in force at " + at + ": " + Policy.describeDates(rule.from(), rule.until())));
        continue;
      }
      Optional<Hit> hit = firstHit(rule.where());
      if (hit.isPresent()) {
        steps.add(
            new Step(
                rule.name(),
                Result.MATCHED,
                (hit.get().code().length() > 2
                        ? "subdivision "
                        : hit.get().source().label() + " country ")
                    + hit.get().code()
                    + " "
                    + hit.get().how()
                    + "; "
                    + rule.limit().describe(model.tiers())));
        return done(
            policy.ruleOutcome(i, slot),
            Optional.of(hit.get().code()),
            Optional.of(hit.get().source()));
      }
      steps.add(
          new Step(
              rule.name(),
              Result.NOT_MATCHED,
              "its where does not cover " + String.join(", ", tested)));
    }
    steps.add(
        new Step(
            Policy.NO_RULE,
            Result.MATCHED,
            "no rule matches " + String.join(", ", tested) + "; blocked (fail closed)"));
    return done(policy.noRuleOutcome(slot), Optional.empty(), Optional.empty());
  }

  // Same order as the decision tables: sources in country-source order; for the location, its
  // country before its subdivisions.
  private Optional<Hit> firstHit(Where where) {
    for (CountrySource source : model.sources()) {
      String country = source.of(origin);
      if (country == null) {
        continue;
      }
      if (where.countries().contains(country)) {
        return Optional.of(
            new Hit(country, source, "is in '" + where.via().get(country).text() + "'"));
      }
      if (where.any()) {
        return Optional.of(new Hit(country, source, "is covered by \"*\""));
      }
      if (source == CountrySource.LOCATION) {
        for (String subdivision : origin.subdivisions()) {
          if (where.subdivisions().contains(subdivision)) {
            return Optional.of(
                new Hit(
                    subdivision, source, "is in '" + where.via().get(subdivision).text() + "'"));
          }
        }
      }
    }
    return Optional.empty();
  }

  private Explanation done(
      Outcomes.Outcome outcome, Optional<String> matched, Optional<CountrySource> source) {
    return new Explanation(steps, outcome.decide(requestedModel, requestedTier, matched, source));
  }
}
