package dev.geofence.filter.internal.usage;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * A parsed {@code redis://} or {@code rediss://} address. {@link #toString()} leaves out the user
 * and password, so the value can be logged and put in messages.
 */
record RedisAddress(
    boolean tls,
    String host,
    int port,
    int database,
    Optional<String> user,
    Optional<char[]> password) {

  private static final String EXPECTED =
      "expected 'local' or redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] (rediss:// for TLS)";

  static RedisAddress parse(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw bad(value, "it is not a URI");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("redis") && !scheme.equals("rediss")) {
      throw bad(value, "the scheme is neither redis nor rediss");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw bad(value, "there is no host");
    }
    if (uri.getQuery() != null || uri.getFragment() != null) {
      throw bad(value, "query and fragment are not supported");
    }
    int port = uri.getPort() == -1 ? 6379 : uri.getPort();
    int database = 0;
    String path = uri.getPath() == null ? "" : uri.getPath();
    if (!path.isEmpty() && !path.equals("/")) {
      try {
        database = Integer.parseInt(path.substring(1));
      } catch (NumberFormatException e) {
        database = -1;
      }
      if (database < 0) {
        throw bad(value, "the database '" + path.substring(1) + "' is not a number from 0");
      }
    }
    Optional<String> user = Optional.empty();
    Optional<char[]> password = Optional.empty();
    String userInfo = uri.getUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      if (colon < 0) {
        password = Optional.of(userInfo.toCharArray());
      } else {
        if (colon > 0) {
          user = Optional.of(userInfo.substring(0, colon));
        }
        password = Optional.of(userInfo.substring(colon + 1).toCharArray());
      }
    }
    return new RedisAddress(scheme.equals("rediss"), uri.getHost(), port, database, user, password);
  }

  private static IllegalArgumentException bad(String value, String why) {
    return new IllegalArgumentException(
        UsageStore.SETTING
            + ": '"
            + redact(value)
            + "' is not usable because "
            + why
            + "; "
            + EXPECTED);
  }

  /**
   * The value without anything between the scheme and an '@', so a password never reaches a log.
   */
  static String redact(String value) {
    int scheme = value.indexOf("://");
    int at = value.lastIndexOf('@');
    if (scheme >= 0 && at > scheme) {
      return value.substring(0, scheme + 3) + "***@" + value.substring(at + 1);
    }
    return value;
  }

  @Override
  public String toString() {
    return (tls ? "rediss://" : "redis://") + host + ":" + port + "/" + database;
  }
}
