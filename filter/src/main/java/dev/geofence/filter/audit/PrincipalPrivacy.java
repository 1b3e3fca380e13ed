package dev.geofence.filter.audit;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * How the calling principal is written to the audit trail as ECS {@code user.id}.
 *
 * <ul>
 *   <li>{@link #full()}: the principal as the source gave it, for trails whose readers must see
 *       which account called and may lawfully do so.
 *   <li>{@link #hmac(byte[])}: a keyed HMAC-SHA256 of the principal's UTF-8 bytes, hex encoded,
 *       with the same key and code as {@link IpPrivacy#hmac(byte[])}: the records of one principal
 *       can still be counted and correlated, and whoever holds the key can find a known account's
 *       records with {@link #recorded(String)}, but the trail itself holds neither the account
 *       names nor, when the principal is an API key, working credentials.
 * </ul>
 *
 * <p>Immutable and thread-safe. The key is copied and never appears in {@link #toString()}.
 */
public final class PrincipalPrivacy {

  private static final PrincipalPrivacy FULL = new PrincipalPrivacy(null);

  private final KeyedHash hash;

  private PrincipalPrivacy(KeyedHash hash) {
    this.hash = hash;
  }

  /** Writes principals as they are. */
  public static PrincipalPrivacy full() {
    return FULL;
  }

  /**
   * Writes the hex HMAC-SHA256 of the principal under the given key instead of the principal.
   *
   * @param key at least 16 bytes; the same key as {@code audit-ip-privacy: hmac} when both are used
   * @throws IllegalArgumentException when the key is shorter than 16 bytes
   */
  public static PrincipalPrivacy hmac(byte[] key) {
    return new PrincipalPrivacy(KeyedHash.of(Objects.requireNonNull(key, "key")));
  }

  /** Whether principals are written as keyed hashes. */
  public boolean hashes() {
    return hash != null;
  }

  /**
   * The form of {@code principal} that is written as {@code user.id}: the principal itself, or 64
   * hex digits. Use it to find a known principal's records in a trail written under {@code hmac}.
   */
  public String recorded(String principal) {
    Objects.requireNonNull(principal, "principal");
    return hash == null ? principal : hash.hex(principal.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "PrincipalPrivacy[" + (hash == null ? "full" : "hmac-sha256") + "]";
  }
}
