package dev.geofence.filter.internal;

/**
 * Where the audit encoder keeps the line template of one screening: the parts of a line that say
 * who was decided and how, encoded once and copied into the lines of that caller's next requests.
 *
 * <p>The recorder keeps one slot per screening beside the rest of what it makes once per screening,
 * and names it as the {@linkplain #current() current slot} of its thread while the record is handed
 * to the audit log; the encoder, which the file and SLF4J sinks run on that same thread, reads and
 * fills it. The slot is a hint, never trusted: the encoder uses a template only when every value it
 * was made from is the very same object in the record it encodes, so a line made from a template is
 * byte for byte the line it writes without one, whatever record or sink it meets on this thread.
 *
 * <p>Why a thread's current slot rather than an argument: records go through the public {@code
 * AuditLog} and {@code AuditSink} types, which carry nothing but the record; and why not a table in
 * the encoder: a table of its own cost one more cache miss per line on a server with tens of
 * thousands of callers, where the recorder already has the screening's entry in hand.
 *
 * <p>Thread-safe: the template is an immutable value written and read with plain accesses; a race
 * costs a template made twice.
 */
public final class LineSlot {

  private static final ThreadLocal<LineSlot> CURRENT = new ThreadLocal<>();

  private Object template; // an immutable value the encoder made; null until then

  /** The slot of the record being handed to the audit log on this thread, or null. */
  public static LineSlot current() {
    return CURRENT.get();
  }

  /** Names {@code slot} (null: none) as this thread's current slot; returns the one before. */
  public static LineSlot enter(LineSlot slot) {
    LineSlot before = CURRENT.get();
    CURRENT.set(slot);
    return before;
  }

  /** What the encoder kept here, or null. */
  public Object template() {
    return template;
  }

  /** Keeps the encoder's template. */
  public void template(Object template) {
    this.template = template;
  }
}
