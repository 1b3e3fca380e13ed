package dev.geofence.filter;

import dev.geofence.filter.address.ClientAddress;
import dev.geofence.filter.address.ClientAddress.UnresolvableReason;
import dev.geofence.filter.address.IpAddresses;
import dev.geofence.filter.response.Refusal;
import dev.geofence.filter.response.Rejection;
import dev.geofence.filter.response.RejectionReason;
import dev.geofence.policy.Decision;

/** The refusal body of a policy block, and the sentences the audit trail records. Stateless. */
final class Refusals {

  private Refusals() {}

  /** The refusal for a blocked request: status, policy, rule, country and a sentence saying why. */
  static Refusal block(GeofenceDecision g, GeofenceSettings settings) {
    Decision d = g.decision();
    Refusal.Builder refusal =
        Refusal.builder(settings.blockStatus())
            .detail(blockSentence(g))
            .policy(g.policy().id(), g.policy().version())
            .rule(d.ruleName());
    settings.policyUrl().ifPresent(url -> refusal.type(url.toASCIIString()));
    if (g.origin().country() != null) {
      refusal.country(g.origin().country());
    }
    return refusal.build();
  }

  private static String blockSentence(GeofenceDecision g) {
    Decision d = g.decision();
    String who =
        switch (d.reason()) {
          case ANONYMOUS -> "Requests through an anonymizing network";
          case UNKNOWN -> "Requests whose country cannot be determined";
          default ->
              "Requests from "
                  + d.matched()
                      .orElse(g.origin().country() == null ? "your region" : g.origin().country());
        };
    String to =
        d.requestedModel()
            .map(m -> " to the model " + shorten(m))
            .or(
                () ->
                    d.requestedTier()
                        .map(
                            t ->
                                " to this endpoint, whose model cannot be checked and is taken to be of"
                                    + " the tier "
                                    + t
                                    + ","))
            .orElse("");
    return who
        + to
        + " are not permitted by policy "
        + g.policy().id()
        + " version "
        + g.policy().version()
        + " (rule '"
        + d.ruleName()
        + "'"
        + d.basis().map(b -> "; basis: " + b).orElse("")
        + ").";
  }

  /**
   * The refusal of a request decided before any rule: 400 {@code model_invalid} with what is wrong
   * with the id, or 400 {@code address_unresolvable} with the rule of the walk the forwarding
   * header broke, whatever the policy's block status is. It is the request that is wrong, not the
   * caller's country.
   */
  static Refusal beforeAnyRule(GeofenceDecision g) {
    if (g.decision().reason() == Decision.Reason.MODEL_INVALID) {
      String model = g.decision().requestedModel().orElse("");
      return new Rejection(
              RejectionReason.MODEL_INVALID,
              g.policy().checkModelId(model).orElse("The model id is not accepted."))
          .toRefusal();
    }
    ClientAddress client = g.client();
    UnresolvableReason why = client.reason().orElseThrow();
    String where =
        why == UnresolvableReason.BAD_PEER
            ? ""
            : " in the "
                + client.header().orElse("forwarding")
                + " header from the trusted proxy "
                + client.peer().map(IpAddresses::format).orElse("-");
    return new Rejection(
            RejectionReason.ADDRESS_UNRESOLVABLE,
            "The caller's address cannot be determined: "
                + why.description()
                + where
                + " ("
                + why.code()
                + "). Requests are refused when the caller cannot be located.")
        .toRefusal();
  }

  /** The audit reason of a block. */
  static String blockReason(GeofenceDecision g) {
    Decision d = g.decision();
    if (d.reason() == Decision.Reason.MODEL_INVALID) {
      return "model invalid: "
          + g.policy().checkModelId(d.requestedModel().orElse("")).orElse("not accepted");
    }
    if (d.reason() == Decision.Reason.UNRESOLVABLE) {
      UnresolvableReason why = g.client().reason().orElseThrow();
      return "address unresolvable ("
          + why.code()
          + "): "
          + why.description()
          + g.client().header().map(h -> " in " + h).orElse("");
    }
    return "blocked by rule "
        + d.ruleName()
        + " ("
        + d.reason().name().toLowerCase(java.util.Locale.ROOT)
        + ")"
        + d.matched().map(m -> ": " + m).orElse("")
        + unreadable(d);
  }

  /**
   * The note on a decision by tier (a request naming no model has no requested tier either): the
   * model could not be read, so the request was decided as the tier.
   */
  private static String unreadable(Decision d) {
    return d.requestedModel().isEmpty() && d.requestedTier().isPresent()
        ? "; model unreadable, decided as tier " + d.requestedTier().get()
        : "";
  }

  /** The audit reason of an allowed or substituted request. */
  static String passReason(GeofenceDecision g) {
    Decision d = g.decision();
    String what =
        switch (d.action()) {
          case SUBSTITUTE ->
              "substituted "
                  + d.requestedModel().orElse("-")
                  + " with "
                  + d.effectiveModel().orElse("-");
          default -> "allowed";
        };
    return what
        + " by rule "
        + d.ruleName()
        + d.matched().map(m -> " for " + m).orElse("")
        + unreadable(d);
  }

  private static String shorten(String model) {
    return model.length() > 100 ? model.substring(0, 100) + "..." : model;
  }
}
