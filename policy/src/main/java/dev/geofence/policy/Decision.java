package dev.geofence.policy;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link Policy#evaluate} for one request, with what the audit trail records: the
 * rule that decided, its {@code basis}, the requested and effective model and tier, and the code
 * that matched. Immutable.
 *
 * @param action allow, substitute or block
 * @param reason why this outcome: a rule, no rule, no country, or an anonymous caller
 * @param ruleName the deciding rule's name; {@code anonymous}, {@code unknown}, {@code no-rule},
 *     {@code unresolvable} or {@code model-invalid} for the other reasons
 * @param basis the rule's citation, if it has one
 * @param monitoring what the deciding rule's {@code monitor:} key asks: full audit, a usage limit,
 *     a country alert; {@link Monitoring#OFF} for the decisions made before any rule
 * @param requestedModel the model the request named, verbatim; empty when it named none
 * @param requestedTier the tier of the requested model; empty when it named none
 * @param effectiveModel the model the request goes on with: the requested one when allowed, the
 *     substitute when substituted, empty when blocked or when none was named
 * @param effectiveTier the tier of {@code effectiveModel}
 * @param matched the country or subdivision code that matched the rule (the caller's own code when
 *     the rule matched through {@code "*"}); empty for the other reasons
 * @param matchedSource which country of the look-up matched; empty when {@code matched} is
 */
public record Decision(
    Action action,
    Reason reason,
    String ruleName,
    Optional<String> basis,
    Monitoring monitoring,
    Optional<String> requestedModel,
    Optional<String> requestedTier,
    Optional<String> effectiveModel,
    Optional<String> effectiveTier,
    Optional<String> matched,
    Optional<CountrySource> matchedSource) {

  /** Why a decision came out as it did. */
  public enum Reason {
    /** A rule matched the caller's country or subdivision. */
    RULE,
    /** The caller has a country but no rule matches it: blocked (fail closed). */
    NO_RULE_MATCHED,
    /** The look-up gave no country; the policy's {@code unknown} section decided. */
    UNKNOWN,
    /**
     * The look-up flagged the caller as anonymous; the policy's {@code anonymous} section decided.
     */
    ANONYMOUS,
    /**
     * The caller's address could not be told (a trusted proxy's forwarding header was malformed
     * where it mattered, or named too many hops): blocked before any rule, whatever the policy
     * says, because the caller could be anywhere. See {@link Policy#refuseUnresolvable}.
     */
    UNRESOLVABLE,
    /**
     * The requested model is not a model id the policy accepts ({@link Policy#checkModelId}):
     * blocked before any tier pattern or rule, because readers downstream could take it for another
     * model. The decision names the model as requested and no tier.
     */
    MODEL_INVALID,
    /**
     * The deciding rule's {@link UsageLimit} was exceeded and its {@code over-usage} is block or
     * substitute: the decision {@link Policy#overUsage} gives, naming the same rule.
     */
    OVER_USAGE
  }

  public Decision {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(ruleName, "ruleName");
    Objects.requireNonNull(basis, "basis");
    Objects.requireNonNull(monitoring, "monitoring");
    Objects.requireNonNull(requestedModel, "requestedModel");
    Objects.requireNonNull(requestedTier, "requestedTier");
    Objects.requireNonNull(effectiveModel, "effectiveModel");
    Objects.requireNonNull(effectiveTier, "effectiveTier");
    Objects.requireNonNull(matched, "matched");
    Objects.requireNonNull(matchedSource, "matchedSource");
  }

  /**
   * Whether the deciding rule asks for its allowed requests to be audited in full: {@code
   * monitoring().enabled()}.
   */
  public boolean monitor() {
    return monitoring.enabled();
  }

  public boolean isAllowed() {
    return action == Action.ALLOW;
  }

  public boolean isBlocked() {
    return action == Action.BLOCK;
  }

  /**
   * The outcome in the form used by the policy commands: {@code allow}, {@code block} or {@code
   * substitute(claude-sonnet-4)}.
   */
  public String outcome() {
    return action == Action.SUBSTITUTE
        ? "substitute(" + effectiveModel.orElse("") + ")"
        : action.label();
  }
}
