package dev.geofence.filter.audit;

import dev.geofence.filter.internal.LineSlot;
import java.net.InetAddress;
import java.util.Set;

/**
 * The parts of an audit line that say who was decided and how, encoded once per screening and
 * copied into the lines of the same caller's next requests (from its second line on): the {@code
 * event} with its reason, the {@code rule} and {@code source} objects, and under {@code geofence}
 * the {@code basis}, the models, the anonymizer flags and the {@code address}. The rest of a line
 * (time, user, HTTP request and response, path, monitor flag, policy, database, duration, chain) is
 * encoded for each line.
 *
 * <p>Why: encoding some forty fields per line was the largest single cost of the audit trail on a
 * request thread, and for a repeat caller most of them are the same values every time. Kept in the
 * screening's {@link LineSlot}.
 *
 * <p>Used only when every value it was encoded from is the very same object in the record (compared
 * by identity, which costs a few reference compares and is never wrong) and the {@link IpPrivacy}
 * is the same: the line is then byte for byte the line encoded in full. The compared values are
 * held here rather than in the record they came from, so that checking reads this object alone.
 *
 * @param bytes three runs back to back, each starting with the comma before its first field: {@code
 *     event} to the end of {@code source} up to {@code eventEnd}; {@code basis} (often nothing) up
 *     to {@code basisEnd}; {@code model} to the last field before {@code decision_us} after that
 */
record LineTemplate(
    IpPrivacy privacy,
    String reason,
    AuditAction action,
    String ruleName,
    InetAddress sourceIp,
    String country,
    String regionIsoCode,
    String basis,
    String requestedModel,
    String requestedTier,
    String effectiveModel,
    String effectiveTier,
    String registeredCountry,
    Set<String> anonymizerFlags,
    String addressSource,
    InetAddress peerAddress,
    String addressUnresolvable,
    byte[] bytes,
    int eventEnd,
    int basisEnd) {

  /** Kept in a slot whose screening has had one line so far. */
  static final Object SEEN = new Object();

  /**
   * Whether a record's parts can be kept: not a batch, no shadow decision and no usage limit, which
   * sit between the models and the address and vary from request to request.
   */
  static boolean templatable(AuditRecord r) {
    return r.batchEntries().isEmpty() && r.shadow().isEmpty() && r.usage().isEmpty();
  }

  /** The template in {@code slot} if it fits {@code r} under {@code privacy}, or null. */
  static LineTemplate in(LineSlot slot, AuditRecord r, IpPrivacy privacy) {
    return slot.template() instanceof LineTemplate t && t.fits(r, privacy) ? t : null;
  }

  /**
   * The parts of the line {@code line} that {@code r} was just encoded into: the runs {@code
   * [eventStart, eventEnd)}, {@code [basisStart, basisEnd)} and {@code [modelStart, modelEnd)}.
   */
  static LineTemplate of(
      AuditRecord r,
      IpPrivacy privacy,
      byte[] line,
      int eventStart,
      int eventEnd,
      int basisStart,
      int basisEnd,
      int modelStart,
      int modelEnd) {
    int event = eventEnd - eventStart;
    int basis = basisEnd - basisStart;
    int model = modelEnd - modelStart;
    byte[] bytes = new byte[event + basis + model];
    System.arraycopy(line, eventStart, bytes, 0, event);
    System.arraycopy(line, basisStart, bytes, event, basis);
    System.arraycopy(line, modelStart, bytes, event + basis, model);
    return new LineTemplate(
        privacy,
        r.reason(),
        r.action(),
        r.ruleName(),
        r.sourceIp().orElse(null),
        r.country(),
        r.regionIsoCode(),
        r.basis(),
        r.requestedModel(),
        r.requestedTier(),
        r.effectiveModel(),
        r.effectiveTier(),
        r.registeredCountry(),
        r.anonymizerFlags(),
        r.addressSource(),
        r.peerAddress().orElse(null),
        r.addressUnresolvable(),
        bytes,
        event,
        event + basis);
  }

  /**
   * Whether {@code r} under {@code p} encodes to these parts: every value they were made from is
   * the very same object in {@code r}.
   */
  boolean fits(AuditRecord r, IpPrivacy p) {
    return p == privacy
        && r.reason() == reason
        && r.action() == action
        && r.ruleName() == ruleName
        && r.sourceIp().orElse(null) == sourceIp
        && r.country() == country
        && r.regionIsoCode() == regionIsoCode
        && r.basis() == basis
        && r.requestedModel() == requestedModel
        && r.requestedTier() == requestedTier
        && r.effectiveModel() == effectiveModel
        && r.effectiveTier() == effectiveTier
        && r.registeredCountry() == registeredCountry
        && r.anonymizerFlags() == anonymizerFlags
        && r.addressSource() == addressSource
        && r.peerAddress().orElse(null) == peerAddress
        && r.addressUnresolvable() == addressUnresolvable
        && templatable(r);
  }
}
