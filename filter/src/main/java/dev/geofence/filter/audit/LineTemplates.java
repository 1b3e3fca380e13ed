package dev.geofence.filter.audit;

import dev.geofence.filter.internal.cache.IdentityMemo;

/**
 * The parts of an audit line that say who was decided and how, encoded once and copied into the
 * lines of the same caller's next requests: the {@code event} with its reason, the {@code rule} and
 * {@code source} objects, and under {@code geofence} the {@code basis}, the models, the anonymizer
 * flags and the {@code address}. The rest of a line (time, user, HTTP request and response, path,
 * policy, database, duration, chain) is encoded for each line as before.
 *
 * <p>Why: encoding some forty fields per line was the largest single cost of the audit trail on a
 * request thread, and for a repeat caller most of them are the same values every time.
 *
 * <p>Kept by the identity of the record's reason: the filter makes one reason per screening (a
 * caller, its model, the policy and database in force) and hands the very same string to each of
 * its plain records. A template is used only when every value it was encoded from is the very same
 * object in the record, compared by identity, and with the same {@link IpPrivacy}; so a line made
 * from one is byte for byte the line the encoder writes without it, and any other record is encoded
 * in full. A reason seen once is only noted, and the template made the second time: a reason made
 * anew for each record (a batch, a usage limit, a failure) costs one slot, not a template.
 *
 * <p>Bounded ({@link #SIZE} slots, a few hundred bytes each) and thread-safe without locks, as
 * {@link IdentityMemo} is: a race costs a template, never a wrong line.
 */
final class LineTemplates {

  /** Slots: enough for the repeat callers of a busy server, a few megabytes at most. */
  static final int SIZE = 1 << 15;

  /** Marks a reason seen once. */
  private static final Object SEEN = new Object();

  private final IdentityMemo<String, Object> byReason;

  LineTemplates() {
    this(SIZE);
  }

  LineTemplates(int size) {
    this.byReason = new IdentityMemo<>(size);
  }

  /**
   * The encoded parts of one line and the record they were encoded from. {@code bytes} holds three
   * runs back to back, each starting with the comma before its first field: {@code event} to the
   * end of {@code source} up to {@code eventEnd}; {@code basis} (often nothing) up to {@code
   * basisEnd}; {@code model} to the last field before {@code decision_us} after that.
   */
  record Template(AuditRecord from, IpPrivacy privacy, byte[] bytes, int eventEnd, int basisEnd) {

    /**
     * Whether {@code r} under {@code p} encodes to these parts: every value they were made from is
     * the very same object (or the same primitive) in {@code r}.
     */
    boolean fits(AuditRecord r, IpPrivacy p) {
      AuditRecord f = from;
      return p == privacy
          && r.reason() == f.reason()
          && r.action() == f.action()
          && r.ruleName() == f.ruleName()
          && r.sourceIp().orElse(null) == f.sourceIp().orElse(null)
          && r.country() == f.country()
          && r.regionIsoCode() == f.regionIsoCode()
          && r.basis() == f.basis()
          && r.requestedModel() == f.requestedModel()
          && r.requestedTier() == f.requestedTier()
          && r.effectiveModel() == f.effectiveModel()
          && r.effectiveTier() == f.effectiveTier()
          && r.registeredCountry() == f.registeredCountry()
          && r.anonymizerFlags() == f.anonymizerFlags()
          && r.addressSource() == f.addressSource()
          && r.peerAddress().orElse(null) == f.peerAddress().orElse(null)
          && r.addressUnresolvable() == f.addressUnresolvable()
          && templatable(r);
    }
  }

  /**
   * Whether a record's parts can be kept: not a batch, no shadow decision and no usage limit, which
   * sit between the models and the address and vary with each request.
   */
  static boolean templatable(AuditRecord r) {
    return r.batchEntries().isEmpty() && r.shadow().isEmpty() && r.usage().isEmpty();
  }

  /** The template that fits {@code r}, or null. */
  Template find(AuditRecord r, IpPrivacy privacy) {
    return byReason.get(r.reason()) instanceof Template t && t.fits(r, privacy) ? t : null;
  }

  /**
   * Whether the encoder is to make a template of {@code r} now, which {@link #find} did not fit:
   * its reason was seen before. Notes the reason otherwise, and forgets a template of the same
   * reason that no longer fits, so that a reason shared by many callers makes a template at most
   * every other line.
   */
  boolean makeNow(AuditRecord r) {
    if (!templatable(r)) {
      return false;
    }
    Object known = byReason.get(r.reason());
    if (known == SEEN) {
      return true;
    }
    byReason.put(r.reason(), SEEN);
    return false;
  }

  /**
   * Keeps the parts of the line {@code line[0, …)} that {@code r} was just encoded into: the three
   * runs {@code [eventStart, eventEnd)}, {@code [basisStart, basisEnd)} and {@code [modelStart,
   * modelEnd)}.
   */
  void keep(
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
    byReason.put(r.reason(), new Template(r, privacy, bytes, event, event + basis));
  }
}
