package dev.geofence.filter.internal;

import dev.geofence.filter.GeofenceExplanation;
import dev.geofence.filter.GeofenceSettings;
import dev.geofence.filter.Screening;
import dev.geofence.filter.address.ClientAddress;
import dev.geofence.filter.address.ClientAddress.UnresolvableReason;
import dev.geofence.filter.address.IpAddresses;
import dev.geofence.filter.geo.GeoResult;
import dev.geofence.filter.internal.response.RefusalReason;
import dev.geofence.policy.Action;
import dev.geofence.policy.Decision;
import dev.geofence.policy.Explanation;
import dev.geofence.policy.Origin;
import dev.geofence.policy.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The steps of a screening in words, for {@code geofence explain} and the engine's {@code explain}:
 * how the caller was found, what the look-up said, the origin, each rule tried and the decision.
 * Made only when asked; nothing here runs on the request path. Stateless.
 */
public final class Explanations {

  private Explanations() {}

  /**
   * Explains a screening the engine made.
   *
   * @param peer the TCP peer address the screening was made for, as given
   * @param model the requested model, or null
   */
  public static GeofenceExplanation explain(
      Engine engine, Screening screening, String peer, String model) {
    GeofenceSettings settings = engine.settings();
    List<GeofenceExplanation.Step> steps = new ArrayList<>();
    steps.add(step("address", describe(screening.caller(), peer, settings, engine)));
    if (!screening.caller().isResolved()) {
      steps.add(step("decision", describe(screening.decision(), screening.policy(), settings)));
      return new GeofenceExplanation(
          steps, new Explanation(List.of(), screening.decision()), screening);
    }
    Explanation policySteps = screening.policy().explain(screening.origin(), model, screening.at());
    steps.add(step("lookup", describe(screening.geo())));
    steps.add(step("origin", describe(screening.origin())));
    for (Explanation.Step s : policySteps.steps()) {
      steps.add(
          step(
              "rule " + s.name(),
              s.result().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + s.detail()));
    }
    steps.add(step("decision", describe(screening.decision(), screening.policy(), settings)));
    return new GeofenceExplanation(steps, policySteps, screening);
  }

  private static GeofenceExplanation.Step step(String name, String detail) {
    return new GeofenceExplanation.Step(name, detail);
  }

  private static String describe(
      ClientAddress client, String peer, GeofenceSettings settings, Engine engine) {
    String header = engine.resolver().headerName();
    return switch (client.source()) {
      case PEER ->
          "the caller is the TCP peer "
              + address(client)
              + (settings.trustedProxies().isEmpty()
                  ? " (no trusted proxy is configured)"
                  : engine.resolver().trusts(peer)
                      ? " (a trusted proxy that sent no " + header + " header)"
                      : " (not a trusted proxy, so " + header + " is ignored)");
      case HEADER ->
          "the caller is "
              + address(client)
              + ", named in "
              + client.header().orElse("?")
              + " by the trusted proxy "
              + client.peer().map(IpAddresses::format).orElse("?");
      case UNRESOLVABLE ->
          "the caller is unresolvable ("
              + client.reason().map(UnresolvableReason::code).orElse("?")
              + "): "
              + client.reason().map(UnresolvableReason::description).orElse("?")
              + client.header().map(h -> " in " + h).orElse("")
              + " (peer "
              + (peer == null ? "none" : Printable.of(peer, 100))
              + ")";
    };
  }

  private static String address(ClientAddress client) {
    return client.address().map(IpAddresses::format).orElse("?");
  }

  private static String describe(GeoResult geo) {
    return switch (geo.status()) {
      case FOUND ->
          "found in "
              + geo.network().orElse("a network")
              + ": country "
              + geo.country().orElse("-")
              + ", registered "
              + geo.registeredCountry().orElse("-")
              + ", represented "
              + geo.representedCountry().orElse("-")
              + ", subdivisions "
              + (geo.subdivisions().isEmpty() ? "-" : String.join(" ", geo.subdivisions()))
              + ", anonymizer "
              + (geo.anonymizer().isEmpty()
                  ? "-"
                  : String.join(" ", AuditRecorder.flagNames(geo.anonymizer())));
      case NOT_FOUND -> "the address is not in the database";
      case UNAVAILABLE -> "no database could answer (missing, or stale and stale-is-unavailable)";
    };
  }

  private static String describe(Origin origin) {
    if (origin.isUnknown() && !origin.anonymous()) {
      return "unknown: no country";
    }
    return "country "
        + orDash(origin.country())
        + ", registered "
        + orDash(origin.registeredCountry())
        + ", represented "
        + orDash(origin.representedCountry())
        + ", subdivisions "
        + (origin.subdivisions().isEmpty() ? "-" : String.join(" ", origin.subdivisions()))
        + ", anonymous "
        + (origin.anonymous() ? "yes" : "no");
  }

  private static String describe(Decision decision, Policy snapshot, GeofenceSettings settings) {
    String of = " of policy " + snapshot.id() + " version " + snapshot.version();
    if (decision.reason() == Decision.Reason.MODEL_INVALID) {
      return "refuse before any rule"
          + of
          + ": the model id is not one the policy accepts; the filter answers 400 "
          + RefusalReason.MODEL_INVALID.code();
    }
    if (decision.reason() == Decision.Reason.UNRESOLVABLE) {
      return "refuse before any rule"
          + of
          + ": the caller's address cannot be told; the filter answers 400 "
          + RefusalReason.ADDRESS_UNRESOLVABLE.code();
    }
    String by =
        " by rule '"
            + decision.ruleName()
            + "'"
            + decision.basis().map(b -> " (basis: " + b + ")").orElse("")
            + of;
    if (decision.action() == Action.BLOCK) {
      return "block" + by + "; the filter answers " + settings.blockStatus();
    }
    if (decision.action() == Action.SUBSTITUTE) {
      return "substitute "
          + decision.requestedModel().orElse("-")
          + " with "
          + decision.effectiveModel().orElse("-")
          + by;
    }
    return "allow" + decision.requestedModel().map(m -> " " + m).orElse("") + by;
  }

  private static String orDash(String s) {
    return s == null ? "-" : s;
  }
}
