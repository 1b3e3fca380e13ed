package dev.geofence.filter;

import dev.geofence.policy.Explanation;
import java.util.List;
import java.util.Objects;

/**
 * How the geo-fence reached a decision, step by step: the address resolution, the look-up, the
 * origin given to the policy, each policy rule tried, and the decision. Built by {@link
 * Geofence#explain}, which runs the same code as the filter. Immutable.
 *
 * @param steps the steps in order
 * @param policyExplanation the policy's own explanation
 * @param screening the screening, as the filter would make it
 */
public record GeofenceExplanation(
    List<Step> steps, Explanation policyExplanation, Screening screening) {

  /** Copies the steps and rejects nulls. */
  public GeofenceExplanation {
    steps = List.copyOf(steps);
    Objects.requireNonNull(policyExplanation, "policyExplanation");
    Objects.requireNonNull(screening, "screening");
  }

  /**
   * One step.
   *
   * @param name what was done: {@code address}, {@code lookup}, {@code origin}, {@code rule
   *     <name>}, {@code decision}
   * @param detail one sentence saying what came of it
   */
  public record Step(String name, String detail) {
    /** Rejects nulls. */
    public Step {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
      return name + ": " + detail;
    }
  }

  /** One line per step. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    for (Step step : steps) {
      s.append(step).append('\n');
    }
    return s.toString().stripTrailing();
  }
}
