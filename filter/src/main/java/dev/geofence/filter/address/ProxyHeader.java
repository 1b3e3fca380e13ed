package dev.geofence.filter.address;

import java.util.Locale;
import java.util.Objects;

/**
 * The request header in which trusted proxies pass on the caller's address, and how it is written.
 *
 * <ul>
 *   <li>{@link #X_FORWARDED_FOR} (the default): a comma-separated list of addresses, each proxy
 *       appending the address it received the request from.
 *   <li>{@link #FORWARDED}: RFC 7239, {@code Forwarded: for=192.0.2.60;proto=https,
 *       for="[2001:db8::1]:4711"}; only the {@code for} parameters are read.
 *   <li>{@link #single(String)}: a header holding one address that the proxy sets, replacing any
 *       value the client sent, such as {@code X-Real-IP} or {@code CF-Connecting-IP}.
 * </ul>
 *
 * <p>Immutable and thread-safe. Header names compare case-insensitively, as HTTP defines them.
 */
public final class ProxyHeader {

  /** How the header's value is written. */
  public enum Format {
    /** Comma-separated addresses, the client's first: {@code X-Forwarded-For}. */
    ADDRESS_LIST,
    /** RFC 7239 forwarded elements with {@code for=} parameters. */
    FORWARDED,
    /** Exactly one address. */
    SINGLE_ADDRESS
  }

  /** {@code X-Forwarded-For}: comma-separated addresses. The default. */
  public static final ProxyHeader X_FORWARDED_FOR =
      new ProxyHeader("X-Forwarded-For", Format.ADDRESS_LIST);

  /** {@code Forwarded}: RFC 7239. */
  public static final ProxyHeader FORWARDED = new ProxyHeader("Forwarded", Format.FORWARDED);

  private final String name;
  private final Format format;

  private ProxyHeader(String name, Format format) {
    this.name = name;
    this.format = format;
  }

  /**
   * A header holding exactly one address, set by the proxy: {@code X-Real-IP}, {@code
   * CF-Connecting-IP}, {@code True-Client-IP}, {@code Fastly-Client-IP}. A request carrying it more
   * than once, or with several comma-separated values, has an unresolvable caller.
   *
   * @param name the header name, an HTTP token; not null
   * @return the header
   * @throws IllegalArgumentException if {@code name} is not an HTTP token, or is {@code Forwarded},
   *     whose syntax is not a single address
   */
  public static ProxyHeader single(String name) {
    checkName(name);
    if (name.equalsIgnoreCase(FORWARDED.name)) {
      throw new IllegalArgumentException(
          "The header 'Forwarded' has RFC 7239 syntax, not a single address;"
              + " use ProxyHeader.FORWARDED.");
    }
    return new ProxyHeader(name, Format.SINGLE_ADDRESS);
  }

  /**
   * The header for a configured name: {@link #X_FORWARDED_FOR} and {@link #FORWARDED} by their
   * names (in any case), any other name as {@link #single(String)}.
   *
   * @param name the header name, not null
   * @return the header
   * @throws IllegalArgumentException if {@code name} is not an HTTP token
   */
  public static ProxyHeader of(String name) {
    checkName(name);
    if (name.equalsIgnoreCase(X_FORWARDED_FOR.name)) {
      return X_FORWARDED_FOR;
    }
    if (name.equalsIgnoreCase(FORWARDED.name)) {
      return FORWARDED;
    }
    return new ProxyHeader(name, Format.SINGLE_ADDRESS);
  }

  private static void checkName(String name) {
    Objects.requireNonNull(name, "name");
    boolean token = !name.isEmpty();
    for (int i = 0; i < name.length() && token; i++) {
      token = isTokenChar(name.charAt(i));
    }
    if (!token) {
      throw new IllegalArgumentException(
          "'"
              + IpAddresses.printable(name)
              + "' is not a header name;"
              + " expected letters, digits and !#$%&'*+-.^_`|~, such as X-Real-IP.");
    }
  }

  /** RFC 9110 tchar. */
  static boolean isTokenChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  /** The header name, as given (e.g. {@code X-Forwarded-For}). */
  public String name() {
    return name;
  }

  /** How the header's value is written. */
  public Format format() {
    return format;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProxyHeader other
        && format == other.format
        && name.equalsIgnoreCase(other.name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name.toLowerCase(Locale.ROOT), format);
  }

  @Override
  public String toString() {
    return name + " (" + format + ")";
  }
}
