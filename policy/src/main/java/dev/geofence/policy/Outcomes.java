package dev.geofence.policy;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of each rule for each tier, computed once at load so that evaluation only picks one.
 * Slot {@code tiers.size()} is the request that names no model. Immutable.
 */
final class Outcomes {

  /** One pre-built outcome: everything of a {@link Decision} except what the request brings. */
  static final class Outcome {
    final Action action;
    final Decision.Reason reason;
    final String ruleName;
    final Optional<String> basis;
    final Monitoring monitoring;
    final Optional<String> substitute;
    final Optional<String> substituteTier;

    Outcome(
        Action action,
        Decision.Reason reason,
        RuleDef rule,
        Optional<String> substitute,
        Optional<String> substituteTier) {
      this.action = action;
      this.reason = reason;
      this.ruleName = rule.name();
      this.basis = rule.basis();
      this.monitoring = rule.monitoring();
      this.substitute = substitute;
      this.substituteTier = substituteTier;
    }

    Decision decide(
        Optional<String> requestedModel,
        Optional<String> requestedTier,
        Optional<String> matched,
        Optional<CountrySource> source) {
      Optional<String> model;
      Optional<String> tier;
      switch (action) {
        case ALLOW:
          model = requestedModel;
          tier = requestedTier;
          break;
        case SUBSTITUTE:
          model = substitute;
          tier = substituteTier;
          break;
        default:
          model = Optional.empty();
          tier = Optional.empty();
      }
      return new Decision(
          action,
          reason,
          ruleName,
          basis,
          monitoring,
          requestedModel,
          requestedTier,
          model,
          tier,
          matched,
          source);
    }
  }

  private Outcomes() {}

  /** The outcomes of {@code rule} by slot: one per tier, then one for "no model". */
  static Outcome[] of(
      PolicyModel model, RuleDef rule, Decision.Reason reason, List<Optional<String>> tierNames) {
    int tiers = model.tiers().size();
    Outcome[] bySlot = new Outcome[tiers + 1];
    for (int tier = 0; tier <= tiers; tier++) {
      bySlot[tier] = outcome(model, rule, reason, tier == tiers ? -1 : tier, tierNames);
    }
    return bySlot;
  }

  private static Outcome outcome(
      PolicyModel model,
      RuleDef rule,
      Decision.Reason reason,
      int tier,
      List<Optional<String>> tierNames) {
    Limit limit = rule.limit();
    Optional<String> none = Optional.empty();
    switch (limit.kind()) {
      case BLOCK:
        return new Outcome(Action.BLOCK, reason, rule, none, none);
      case ALLOW:
        return new Outcome(Action.ALLOW, reason, rule, none, none);
      default:
        // A request without a model is not over any limit; ranks grow as tiers get lower.
        if (tier < 0 || tier >= limit.tier()) {
          return new Outcome(Action.ALLOW, reason, rule, none, none);
        }
        if (limit.substitute()) {
          Optional<String> substitute = substituteFor(model, tier, limit.tier());
          if (substitute.isPresent()) {
            return new Outcome(
                Action.SUBSTITUTE,
                reason,
                rule,
                substitute,
                tierNames.get(model.tierOf(substitute.get())));
          }
        }
        return new Outcome(Action.BLOCK, reason, rule, none, none);
    }
  }

  /**
   * Follows the substitutes from {@code tier} down until one is within {@code limit}. Ends because
   * validation ensures each substitute is of a strictly lower tier than the one it replaces.
   */
  static Optional<String> substituteFor(PolicyModel model, int tier, int limit) {
    Optional<String> next = model.substitutes().get(tier);
    while (next.isPresent()) {
      int rank = model.tierOf(next.get());
      if (rank >= limit) {
        return next;
      }
      next = model.substitutes().get(rank);
    }
    return Optional.empty();
  }
}
