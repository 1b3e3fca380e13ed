package dev.geofence.filter;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the filter learns who is calling (the principal, recorded as ECS {@code user.id}): the
 * {@code principal-source} setting. Written as text:
 *
 * <ul>
 *   <li>{@code none} (the default): no principal is read and nothing is recorded;
 *   <li>{@code user-principal}: the container's {@code HttpServletRequest.getUserPrincipal()}, as
 *       its {@code getName()};
 *   <li>{@code attribute:NAME}: a request attribute set by the application's authentication before
 *       the filter runs, as its {@code toString()} when it is not a {@code String};
 *   <li>{@code header:NAME}: a request header, believed only when the TCP peer is one of the
 *       trusted proxies (as the request-id header is): from anyone else it is ignored and the
 *       request has no principal, since any caller can send any header.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class PrincipalSource {

  /** Where the principal comes from. */
  public enum Kind {
    /** Nowhere: no principal. */
    NONE,
    /** The container's authenticated user. */
    USER_PRINCIPAL,
    /** A request attribute. */
    ATTRIBUTE,
    /** A request header set by a trusted proxy. */
    HEADER
  }

  private static final PrincipalSource NONE = new PrincipalSource(Kind.NONE, "");
  private static final PrincipalSource USER_PRINCIPAL =
      new PrincipalSource(Kind.USER_PRINCIPAL, "");
  private static final String ACCEPTED =
      "expected none, user-principal, attribute:NAME or header:NAME (such as header:X-Api-Key)";

  private final Kind kind;
  private final String name;

  private PrincipalSource(Kind kind, String name) {
    this.kind = kind;
    this.name = name;
  }

  /** No principal (the default). */
  public static PrincipalSource none() {
    return NONE;
  }

  /** The container's {@code getUserPrincipal().getName()}. */
  public static PrincipalSource userPrincipal() {
    return USER_PRINCIPAL;
  }

  /**
   * The request attribute {@code name}.
   *
   * @throws IllegalArgumentException when the name is blank, longer than 256 characters or holds
   *     control characters
   */
  public static PrincipalSource attribute(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank() || name.length() > 256 || name.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "Principal attribute '"
              + name.replaceAll("\\p{Cntrl}", "?")
              + "' is not an attribute name; expected 1 to 256 printable characters.");
    }
    return new PrincipalSource(Kind.ATTRIBUTE, name);
  }

  /**
   * The request header {@code name}, believed only from a trusted proxy.
   *
   * @throws IllegalArgumentException when the name is not a header name
   */
  public static PrincipalSource header(String name) {
    return new PrincipalSource(Kind.HEADER, GeofenceSettings.headerName(name, "Principal header"));
  }

  /**
   * Parses {@code none}, {@code user-principal}, {@code attribute:NAME} or {@code header:NAME}.
   *
   * @throws IllegalArgumentException naming the value and what is accepted
   */
  public static PrincipalSource parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.trim();
    int colon = t.indexOf(':');
    String kind = (colon < 0 ? t : t.substring(0, colon)).toLowerCase(Locale.ROOT);
    String name = colon < 0 ? null : t.substring(colon + 1).trim();
    switch (kind) {
      case "none":
      case "user-principal":
        if (name != null) {
          break;
        }
        return kind.equals("none") ? NONE : USER_PRINCIPAL;
      case "attribute":
      case "header":
        if (name == null || name.isEmpty()) {
          throw new IllegalArgumentException(
              "Principal source '"
                  + t
                  + "' names no "
                  + kind
                  + "; expected "
                  + kind
                  + ":NAME, such as "
                  + (kind.equals("header") ? "header:X-Api-Key." : "attribute:account."));
        }
        return kind.equals("header") ? header(name) : attribute(name);
      default:
        break;
    }
    throw new IllegalArgumentException(
        "Principal source '"
            + t.replaceAll("\\p{Cntrl}", "?")
            + "' is not known; "
            + ACCEPTED
            + ".");
  }

  /** Where the principal comes from. */
  public Kind kind() {
    return kind;
  }

  /** The attribute or header name; empty for {@code none} and {@code user-principal}. */
  public Optional<String> name() {
    return name.isEmpty() ? Optional.empty() : Optional.of(name);
  }

  /** Whether a principal is read at all. */
  public boolean isNone() {
    return kind == Kind.NONE;
  }

  /** The setting's text: {@code none}, {@code user-principal}, {@code header:X-Api-Key}… */
  @Override
  public String toString() {
    return switch (kind) {
      case NONE -> "none";
      case USER_PRINCIPAL -> "user-principal";
      case ATTRIBUTE -> "attribute:" + name;
      case HEADER -> "header:" + name;
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PrincipalSource other && kind == other.kind && name.equals(other.name);
  }

  @Override
  public int hashCode() {
    return kind.hashCode() * 31 + name.hashCode();
  }
}
