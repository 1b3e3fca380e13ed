package dev.geofence.filter.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What an audit record says about one decided request: where the caller was, what it asked for,
 * what was done, and what the shadow policy would have done when that differed. Read for {@link
 * PolicyImpact}; other fields of the line are skipped. Immutable.
 *
 * @param caller {@code source.ip}, or its HMAC when the trail keeps no address; empty when neither
 * @param anonymous whether the record lists any anonymizer flag
 * @param modelReadable whether {@code requestedModel} is the model as sent (not cut short)
 * @param unresolvable whether the caller's address could not be told
 * @param shadowAction the shadow policy's action when it differed; empty otherwise
 */
record RecordedRequest(
    Instant timestamp,
    AuditAction action,
    String rule,
    String caller,
    String country,
    String subdivision,
    String registeredCountry,
    String representedCountry,
    boolean anonymous,
    String requestedModel,
    boolean modelReadable,
    String requestedTier,
    String effectiveModel,
    boolean unresolvable,
    String shadowAction,
    String shadowEffectiveModel) {

  private static final JsonFactory JSON = JsonFactory.builder().build();

  /** The enforced outcome as {@code Decision.outcome()} writes it. */
  String outcome() {
    return outcome(action.label(), effectiveModel);
  }

  /** The shadow outcome, when the record has one. */
  Optional<String> shadowOutcome() {
    return shadowAction.isEmpty()
        ? Optional.empty()
        : Optional.of(outcome(shadowAction, shadowEffectiveModel));
  }

  static String outcome(String action, String effectiveModel) {
    return AuditAction.SUBSTITUTE.label().equals(action)
        ? "substitute(" + effectiveModel + ")"
        : action;
  }

  /**
   * Parses one line; empty when it is not a decision record (a chain or loss line, a request
   * refused before any rule decided, or not a record at all).
   */
  static Optional<RecordedRequest> parse(byte[] line) {
    Map<String, String> f = new HashMap<>();
    boolean anonymous = false;
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      Deque<String> path = new ArrayDeque<>();
      String prefix = "";
      JsonToken token;
      while ((token = p.nextToken()) != null) {
        if (token == JsonToken.END_OBJECT) {
          if (path.isEmpty()) {
            break;
          }
          prefix = path.pop();
          continue;
        }
        String field = prefix + p.currentName();
        token = p.nextToken();
        if (token == JsonToken.START_OBJECT) {
          path.push(prefix);
          prefix = field + ".";
        } else if (token == JsonToken.START_ARRAY) {
          boolean any = p.nextToken() != JsonToken.END_ARRAY;
          if (any) {
            p.skipChildren();
            while (p.nextToken() != JsonToken.END_ARRAY) {
              p.skipChildren();
            }
          }
          anonymous |= any && field.equals("geofence.anonymizer");
        } else {
          f.put(field, p.getValueAsString(""));
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    Optional<AuditAction> action = AuditAction.fromLabel(f.getOrDefault("event.action", ""));
    String rule = f.getOrDefault("rule.name", "");
    Optional<Instant> time = time(f.getOrDefault("@timestamp", ""));
    if (action.isEmpty()
        || action.get() == AuditAction.ERROR
        || !action.get().isRequest()
        || rule.isEmpty()
        || time.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new RecordedRequest(
            time.get(),
            action.get(),
            rule,
            f.getOrDefault("source.ip", f.getOrDefault("geofence.source_ip_hmac", "")),
            f.getOrDefault("source.geo.country_iso_code", ""),
            f.getOrDefault("source.geo.region_iso_code", ""),
            f.getOrDefault("geofence.registered_country_iso_code", ""),
            f.getOrDefault("geofence.represented_country_iso_code", ""),
            anonymous,
            f.getOrDefault("geofence.model.requested", ""),
            !"true".equals(f.get("geofence.model.truncated")),
            f.getOrDefault("geofence.model.requested_tier", ""),
            f.getOrDefault("geofence.model.effective", ""),
            !f.getOrDefault("geofence.address.unresolvable", "").isEmpty(),
            f.getOrDefault("geofence.shadow.action", ""),
            f.getOrDefault("geofence.shadow.model.effective", "")));
  }

  private static Optional<Instant> time(String text) {
    try {
      return text.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
