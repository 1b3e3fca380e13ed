package dev.geofence.filter.internal;

import dev.geofence.filter.Screening;
import dev.geofence.filter.address.ClientAddress;
import dev.geofence.filter.audit.AuditAction;
import dev.geofence.filter.audit.AuditRecord;
import dev.geofence.filter.geo.GeoResult;
import dev.geofence.filter.internal.DecisionCounts.Ending;
import dev.geofence.filter.internal.model.BatchEntry;
import dev.geofence.filter.internal.response.Refusal;
import dev.geofence.policy.Action;
import dev.geofence.policy.Decision;
import dev.geofence.policy.Policy;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One request as the filter examined it, made once before the filter acts on it: what the request
 * asked for, who asked, the {@link Screening} when the request was decided, and the {@link Refusal}
 * when it is refused. The audit recorder, the decision counts, the decision headers and the request
 * attribute all read this one value; none of them calls back into the request path.
 *
 * <p>Immutable. Fields are null, not {@code Optional}, where a stage was not reached, so that
 * making one allocates nothing but itself: {@code caller} and {@code geo} when the request failed
 * before its caller was located, {@code screening} when it was refused before any decision, {@code
 * model} when no model was read, {@code refusal} when it passes, {@code forwarded} when it is
 * refused, {@code forwardTo} unless a path model was rewritten, {@code failure} unless the filter
 * failed, {@code shadow} unless a shadow policy decided otherwise.
 *
 * @param arrival what is known of the request from the moment it arrived
 * @param decidedNanos {@link System#nanoTime()} when the filter had decided
 * @param caller who called, as far as could be told
 * @param geo where the look-up places the caller
 * @param screening the decision, when the request got that far
 * @param model the model the request asked for, as read
 * @param refusal the answer when the request is refused
 * @param allow the methods a 405 answer lists in {@code Allow}; empty otherwise
 * @param forwarded the request the application gets (rewritten or not) when it passes
 * @param forwardTo the path to forward to when a path model was rewritten
 * @param failure what went wrong when the filter failed and answered 503
 * @param batch each entry of a Message Batches request and its screening; null for any other
 *     request. The request's own {@code screening} is then the one that stands for the batch: the
 *     first refused entry's, else the first substituted entry's, else the first entry's.
 * @param shadow the shadow policy's screening when its outcome differs from {@code screening}'s
 */
record Exchange(
    Arrival arrival,
    long decidedNanos,
    ClientAddress caller,
    GeoResult geo,
    Screening screening,
    String model,
    Refusal refusal,
    Set<String> allow,
    HttpServletRequest forwarded,
    String forwardTo,
    Throwable failure,
    Batch batch,
    Screening shadow) {

  /**
   * The entries of a Message Batches request and how each was decided.
   *
   * @param entries the entries, in order
   * @param screenings the screening of each entry, in the same order
   * @param substituted how many entries were rewritten to a substitute
   */
  record Batch(List<BatchEntry> entries, List<Screening> screenings, int substituted) {

    /** The entries as the audit record lists them. */
    List<AuditRecord.BatchEntry> audited() {
      List<AuditRecord.BatchEntry> audited = new ArrayList<>(entries.size());
      for (int i = 0; i < entries.size(); i++) {
        audited.add(
            new AuditRecord.BatchEntry(
                entries.get(i).customId(),
                entries.get(i).model().value(),
                screenings.get(i).decision().effectiveModel().orElse(null)));
      }
      return audited;
    }
  }

  /**
   * What is known of a request from the moment it arrives.
   *
   * @param requestId the request id: a trusted proxy's, or a generated one
   * @param policy the policy snapshot read when the request arrived: it decides and is recorded
   * @param at when the request is decided
   * @param startNanos {@link System#nanoTime()} when the filter began
   * @param method the request method, as sent
   * @param uri the request URI, as sent (query strings are never recorded)
   * @param principal who is calling, as {@code principal-source} tells it; {@link Principal#NONE}
   *     when there is none
   */
  record Arrival(
      String requestId,
      Policy policy,
      Instant at,
      long startNanos,
      String method,
      String uri,
      Principal principal) {}

  /** A request decided and passed on, as {@code forwarded}, to {@code forwardTo} if not null. */
  static Exchange passed(
      Arrival arrival, Screening screening, HttpServletRequest forwarded, String forwardTo) {
    return decided(arrival, screening, null, forwarded, forwardTo, null);
  }

  /** A Message Batches request whose every entry was allowed or substituted. */
  static Exchange passed(
      Arrival arrival, Screening screening, HttpServletRequest forwarded, Batch batch) {
    return decided(arrival, screening, null, forwarded, null, batch);
  }

  /** A request decided and refused: by a rule, or before any rule. */
  static Exchange blocked(Arrival arrival, Screening screening, Refusal refusal) {
    return decided(arrival, screening, refusal, null, null, null);
  }

  /** A Message Batches request refused because of the entries of {@code batch} it names. */
  static Exchange blocked(Arrival arrival, Screening screening, Refusal refusal, Batch batch) {
    return decided(arrival, screening, refusal, null, null, batch);
  }

  private static Exchange decided(
      Arrival arrival,
      Screening screening,
      Refusal refusal,
      HttpServletRequest forwarded,
      String forwardTo,
      Batch batch) {
    return new Exchange(
        arrival,
        System.nanoTime(),
        screening.caller(),
        screening.geo(),
        screening,
        screening.decision().requestedModel().orElse(null),
        refusal,
        Set.of(),
        forwarded,
        forwardTo,
        null,
        batch,
        null);
  }

  /** A request refused before it could be decided; {@code allow} for a 405 answer. */
  static Exchange refused(
      Arrival arrival, ClientAddress caller, GeoResult geo, Refusal refusal, Set<String> allow) {
    return new Exchange(
        arrival,
        System.nanoTime(),
        caller,
        geo,
        null,
        null,
        refusal,
        allow,
        null,
        null,
        null,
        null,
        null);
  }

  /** A request the filter failed to examine: answered 503. */
  static Exchange failed(Arrival arrival, Refusal refusal, Throwable failure) {
    return new Exchange(
        arrival,
        System.nanoTime(),
        null,
        null,
        null,
        null,
        refusal,
        Set.of(),
        null,
        null,
        failure,
        null,
        null);
  }

  /** This exchange with the shadow policy's diverging screening. */
  Exchange withShadow(Screening diverging) {
    return new Exchange(
        arrival,
        decidedNanos,
        caller,
        geo,
        screening,
        model,
        refusal,
        allow,
        forwarded,
        forwardTo,
        failure,
        batch,
        diverging);
  }

  /** The request id. */
  String requestId() {
    return arrival.requestId();
  }

  /**
   * Who is calling: the principal as read, for counting use per principal, and as the trail records
   * it.
   */
  Principal principal() {
    return arrival.principal();
  }

  /** The policy snapshot the request was decided under. */
  Policy policy() {
    return arrival.policy();
  }

  /** Whether the request is refused rather than passed on. */
  boolean refused() {
    return refusal != null;
  }

  /** What the audit record says was done. */
  AuditAction action() {
    if (failure != null) {
      return AuditAction.ERROR;
    }
    if (refusal != null) {
      return AuditAction.BLOCK;
    }
    return screening != null && screening.action() == Action.SUBSTITUTE
        ? AuditAction.SUBSTITUTE
        : AuditAction.ALLOW;
  }

  /** How the request ended, for the counts: a refusal by the policy or of a malformed request. */
  Ending ending() {
    if (failure != null) {
      return Ending.ERROR;
    }
    if (refusal != null) {
      return screening != null && !beforeAnyRule(screening.decision())
          ? Ending.BLOCKED
          : Ending.REJECTED;
    }
    return screening != null && screening.action() == Action.SUBSTITUTE
        ? Ending.SUBSTITUTED
        : Ending.ALLOWED;
  }

  /** Whether the rule of a monitor-marked rule decided, which keeps the record in scope. */
  boolean monitor() {
    return screening != null && screening.decision().monitor();
  }

  /** A decision made before any rule: the request, not the caller's country, was at fault. */
  static boolean beforeAnyRule(Decision decision) {
    return decision.reason() == Decision.Reason.UNRESOLVABLE
        || decision.reason() == Decision.Reason.MODEL_INVALID;
  }
}
