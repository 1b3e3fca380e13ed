package dev.geofence.policy;

import java.util.List;
import java.util.Objects;

/**
 * How a policy reached a {@link Decision}: each step tried in order, whether it matched and why,
 * then the decision. Built by {@link Policy#explain}, which is for people and tools, not the hot
 * path. Immutable.
 */
public record Explanation(List<Step> steps, Decision decision) {

  public Explanation {
    steps = List.copyOf(steps);
    Objects.requireNonNull(decision, "decision");
  }

  /** What became of one step: a rule, or the {@code anonymous} or {@code unknown} section. */
  public enum Result {
    MATCHED,
    NOT_MATCHED,
    /** A rule outside its effective dates. */
    NOT_EFFECTIVE
  }

  /** One step: the rule or section name, what became of it and a sentence saying why. */
  public record Step(String name, Result result, String detail) {
    public Step {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(result, "result");
      Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
      return String.format(
          "%-13s %s: %s",
          result.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '), name, detail);
    }
  }

  /** One line per step, then the decision. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    for (Step step : steps) {
      s.append(step).append('\n');
    }
    s.append("decision: ")
        .append(decision.outcome())
        .append(" (rule '")
        .append(decision.ruleName())
        .append("'");
    decision.basis().ifPresent(b -> s.append("; basis: ").append(b));
    return s.append(")").toString();
  }
}
