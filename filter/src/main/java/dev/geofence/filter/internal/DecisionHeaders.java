package dev.geofence.filter.internal;

import dev.geofence.filter.GeofenceSettings;
import dev.geofence.filter.Screening;
import dev.geofence.filter.internal.body.ReplayingRequest;
import dev.geofence.policy.Decision;

/**
 * The screening as request headers for a proxied upstream ({@code decision-headers=true}). The
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

  static void add(ReplayingRequest.Builder request, Screening s, String requestId) {
    Decision d = s.decision();
    request.setHeader(ACTION, d.action().label());
    request.setHeader(RULE, Printable.headerValue(d.ruleName()));
    request.setHeader(POLICY, Printable.headerValue(s.policy().id() + " " + s.policy().version()));
    request.setHeader(REQUEST_ID, Printable.headerValue(requestId));
    if (s.origin().country() != null) {
      request.setHeader(COUNTRY, s.origin().country());
    }
    d.requestedModel().ifPresent(m -> request.setHeader(REQUESTED_MODEL, Printable.headerValue(m)));
    d.effectiveModel().ifPresent(m -> request.setHeader(MODEL, Printable.headerValue(m)));
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
}
