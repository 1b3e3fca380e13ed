package dev.geofence.policy.map;

import dev.geofence.policy.Policy;
import dev.geofence.policy.PolicyDiff;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A region policy as a world map, for the people who sign it off: one self-contained HTML document
 * (inline SVG and CSS, no script, nothing fetched from elsewhere) with a map per model tier that
 * colours each country by its outcome, the tables a map cannot show (subdivisions, callers without
 * a country, small states, dated rules), and, when compared with an older policy, a map and table
 * of what changes.
 *
 * <p>Every outcome comes from the policy's own evaluation ({@link Policy#evaluateModelOfTier},
 * {@link Policy#evaluate}) and the comparison from {@link PolicyDiff}, so the report agrees with
 * the filter and with {@code geofence policy diff}. The map data (Natural Earth 1:50m, from the
 * world-atlas package) is read from this module's resources once per JVM, on first use.
 *
 * <pre>{@code
 * PolicyMap map = PolicyMap.builder()
 *     .policy(Policy.load(Path.of("policy.yaml")))
 *     .at(Instant.parse("2027-01-15T00:00:00Z"))
 *     .compareWith(Policy.load(Path.of("policy-old.yaml")))
 *     .build();
 * try (Writer out = Files.newBufferedWriter(Path.of("policy.html"))) {
 *   map.writeHtml(out);
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe; {@link #writeHtml} may be called any number of times, from any
 * thread, and writes the same document each time.
 */
public final class PolicyMap {

  private final Policy policy;
  private final Instant at;
  private final Optional<Policy> before;

  private PolicyMap(Policy policy, Instant at, Optional<Policy> before) {
    this.policy = policy;
    this.at = at;
    this.before = before;
  }

  /** A builder; {@link Builder#policy} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The policy shown. */
  public Policy policy() {
    return policy;
  }

  /** The instant the policy is evaluated at. */
  public Instant at() {
    return at;
  }

  /** The older policy this one is compared with, if any. */
  public Optional<Policy> comparedWith() {
    return before;
  }

  /**
   * Writes the report as UTF-8 HTML text; the caller chooses the encoding of {@code out} (UTF-8)
   * and closes it.
   *
   * @throws IOException when {@code out} fails
   */
  public void writeHtml(Writer out) throws IOException {
    Objects.requireNonNull(out, "out");
    out.write(html());
    out.flush();
  }

  /** The report as one string. */
  public String html() {
    Evaluation evaluation = new Evaluation(policy, at);
    Optional<Comparison> comparison =
        before.map(old -> new Comparison(old, policy, PolicyDiff.between(old, policy, at)));
    return new Report(World.get(), evaluation, comparison).html();
  }

  @Override
  public String toString() {
    return "PolicyMap["
        + policy
        + " at "
        + at
        + before.map(b -> ", compared with " + b).orElse("")
        + "]";
  }

  /** Builds a {@link PolicyMap}; each option is checked when set. Not thread-safe; one per map. */
  public static final class Builder {
    private Policy policy;
    private Instant at;
    private Policy before;

    private Builder() {}

    /**
     * The policy to show (for a comparison, the new one).
     *
     * @throws IllegalStateException if the policy was already set
     */
    public Builder policy(Policy policy) {
      Objects.requireNonNull(policy, "policy");
      if (this.policy != null) {
        throw new IllegalStateException("The policy was already set to " + this.policy + ".");
      }
      this.policy = policy;
      return this;
    }

    /**
     * The instant to evaluate at (rules outside their effective dates are skipped). Default: the
     * time of {@link #build()}.
     *
     * @throws IllegalStateException if the instant was already set
     */
    public Builder at(Instant at) {
      Objects.requireNonNull(at, "at");
      if (this.at != null) {
        throw new IllegalStateException("The instant was already set to " + this.at + ".");
      }
      this.at = at;
      return this;
    }

    /**
     * An older policy to compare with, as {@code policy diff OLD NEW} does: the report adds a map
     * of the countries whose outcome changes and the table of changes, and marks changed countries
     * on every map.
     *
     * @throws IllegalStateException if a policy to compare with was already set
     */
    public Builder compareWith(Policy before) {
      Objects.requireNonNull(before, "before");
      if (this.before != null) {
        throw new IllegalStateException(
            "The policy to compare with was already set to " + this.before + ".");
      }
      this.before = before;
      return this;
    }

    /**
     * The map.
     *
     * @throws IllegalStateException if no policy was set
     */
    public PolicyMap build() {
      if (policy == null) {
        throw new IllegalStateException("No policy to show; call policy(Policy) first.");
      }
      return new PolicyMap(policy, at == null ? Instant.now() : at, Optional.ofNullable(before));
    }
  }
}
