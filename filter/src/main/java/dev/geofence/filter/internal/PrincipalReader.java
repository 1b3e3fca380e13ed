package dev.geofence.filter.internal;

import dev.geofence.filter.PrincipalSource;
import dev.geofence.filter.address.ClientAddressResolver;
import dev.geofence.filter.audit.PrincipalPrivacy;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;
import java.util.Objects;

/**
 * Reads the calling principal from where {@code principal-source} says: the container's user
 * principal, a request attribute, or a header believed only from a trusted proxy. Final fields, no
 * state: one instance serves every thread.
 *
 * <p>A principal longer than {@link #MAX_LENGTH} characters or holding a control character is
 * {@link Principal#INVALID}, never shortened or hashed into something usable: a limit counted per
 * principal must not let one caller become many by padding its name, and a record must not say
 * someone else called. With source {@code none} nothing is read and nothing is allocated.
 */
final class PrincipalReader {

  /** The longest principal accepted: what the audit trail writes in full. */
  static final int MAX_LENGTH = 256;

  private final PrincipalSource.Kind kind;
  private final String name;
  private final PrincipalPrivacy privacy;
  private final ClientAddressResolver resolver;

  PrincipalReader(
      PrincipalSource source, PrincipalPrivacy privacy, ClientAddressResolver resolver) {
    this.kind = Objects.requireNonNull(source, "source").kind();
    this.name = source.name().orElse(null);
    this.privacy = privacy;
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    if (kind != PrincipalSource.Kind.NONE) {
      Objects.requireNonNull(privacy, "privacy");
    }
  }

  /** The principal of {@code request}; {@link Principal#NONE} when there is none to believe. */
  Principal read(HttpServletRequest request) {
    String value;
    switch (kind) {
      case NONE:
        return Principal.NONE;
      case USER_PRINCIPAL:
        java.security.Principal user = request.getUserPrincipal();
        value = user == null ? null : user.getName();
        break;
      case ATTRIBUTE:
        Object attribute = request.getAttribute(name);
        value = attribute == null ? null : attribute.toString();
        break;
      default:
        value = request.getHeader(name);
        if (value == null) {
          return Principal.NONE;
        }
        // Anyone can send any header: only a trusted proxy's word is taken, as for the request id.
        if (!resolver.trusts(request.getRemoteAddr())) {
          return Principal.NONE;
        }
        if (sentTwice(request.getHeaders(name))) {
          // Two values: a proxy that appended to the caller's header rather than replacing it.
          // Which one is the caller is unknowable, so neither is taken.
          return Principal.INVALID;
        }
        break;
    }
    if (value == null || value.isEmpty()) {
      return Principal.NONE;
    }
    if (!acceptable(value)) {
      return Principal.INVALID;
    }
    return new Principal(value, privacy.recorded(value), false);
  }

  private static boolean sentTwice(Enumeration<String> values) {
    if (values == null || !values.hasMoreElements()) {
      return false;
    }
    values.nextElement();
    return values.hasMoreElements();
  }

  /**
   * At most {@link #MAX_LENGTH} characters and none of those the audit encoder would strip (C0,
   * DEL, C1, line and paragraph separators): what is recorded in full is exactly what was read.
   */
  static boolean acceptable(String value) {
    if (value.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        return false;
      }
    }
    return true;
  }
}
