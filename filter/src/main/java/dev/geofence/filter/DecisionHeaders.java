package dev.geofence.filter;

import dev.geofence.filter.body.ReplayingRequest;
import dev.geofence.policy.Decision;

/**
 * The decision as request headers for a proxied upstream ({@code decision-headers=true}). The
 * filter removes every caller-sent {@code X-Geofence-*} header (also spelt with {@code _}) before
 * adding these, so an upstream can trust them. Stateless.
 */
final class DecisionHeaders {

  static final String ACTION = "X-Geofence-Action";
  static final String COUNTRY = "X-Geofence-Country";
  static final String RULE = "X-Geofence-Rule";
  static final String POLICY = "X-Geofence-Policy";
  static final String REQUESTED_MODEL = "X-Geofence-Requested-Model";
  static final String MODEL = "X-Geofence-Model";
  static final String REQUEST_ID = "X-Geofence-Request-Id";

  private DecisionHeaders() {}

  static void add(ReplayingRequest.Builder request, GeofenceDecision g) {
    Decision d = g.decision();
    request.setHeader(ACTION, d.action().label());
    request.setHeader(RULE, printable(d.ruleName()));
    request.setHeader(POLICY, printable(g.policy().id() + " " + g.policy().version()));
    request.setHeader(REQUEST_ID, printable(g.requestId()));
    if (g.origin().country() != null) {
      request.setHeader(COUNTRY, g.origin().country());
    }
    d.requestedModel().ifPresent(m -> request.setHeader(REQUESTED_MODEL, printable(m)));
    d.effectiveModel().ifPresent(m -> request.setHeader(MODEL, printable(m)));
  }

  /**
   * Whether a caller-sent header is to be removed as a forged decision header: its name starts with
   * {@code X-Geofence-} ignoring case, reading {@code _} as {@code -}. CGI-style gateways (WSGI,
   * Rack, PHP) map {@code X_Geofence_Country} and {@code X-Geofence-Country} to the same variable,
   * so an upstream behind one would take the caller's spelling for the filter's header.
   */
  static boolean isDecisionHeader(String name) {
    String prefix = GeofenceSettings.DECISION_HEADER_PREFIX;
    if (name.length() < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      char c = name.charAt(i);
      char p = prefix.charAt(i);
      boolean same =
          p == '-' ? c == '-' || c == '_' : Character.toLowerCase(c) == Character.toLowerCase(p);
      if (!same) {
        return false;
      }
    }
    return true;
  }

  /**
   * A value safe for a header line: anything but visible ASCII and space becomes {@code ?}, so a
   * model name from a JSON body (which may hold any character) cannot split or corrupt a header.
   */
  static String printable(String value) {
    StringBuilder out = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7E) {
        if (out == null) {
          out = new StringBuilder(value);
        }
        out.setCharAt(i, '?');
      }
    }
    return out == null ? value : out.toString();
  }
}
