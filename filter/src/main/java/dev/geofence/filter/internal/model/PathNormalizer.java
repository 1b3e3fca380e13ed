package dev.geofence.filter.internal.model;

import dev.geofence.filter.internal.response.Checked;
import dev.geofence.filter.internal.response.RefusalReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns the raw request URI into the one canonical path that routes are matched against, so that no
 * spelling of a path can reach the application while missing the filter's URL patterns.
 *
 * <p>Applied in this order to every {@code /}-separated segment:
 *
 * <ol>
 *   <li>path parameters are removed ({@code ;jsessionid=...}, {@code ;x}), before decoding;
 *   <li>{@code %XX} escapes are decoded once, as UTF-8;
 *   <li>empty segments are dropped ({@code //} becomes {@code /}), {@code .} segments are dropped
 *       and {@code ..} removes the previous segment.
 * </ol>
 *
 * A trailing {@code /} is kept. The path is rejected (400, {@link RefusalReason#MALFORMED_PATH})
 * when an escape is malformed or not UTF-8; when a decoded segment contains {@code /}, {@code \} or
 * {@code ;} ({@code %2F}, {@code %5C}, {@code %3B}: containers disagree on whether these split
 * segments or start parameters); when an escaped dot segment ({@code %2e}, {@code .%2E}) appears;
 * when a control character appears; or when {@code ..} climbs above the root. Case is kept: routes
 * compare literal segments ignoring case (see {@link ModelRoutes}).
 *
 * <p>Examples: {@code /v1//messages}, {@code /v1/./messages}, {@code /v1/x/../messages} and {@code
 * /v1/messages;jsessionid=1} all become {@code /v1/messages}; {@code /v1/%6Dessages} becomes {@code
 * /v1/messages}; {@code /v1/%2e%2e/admin} is rejected.
 *
 * <p>Stateless and thread-safe.
 */
public final class PathNormalizer {

  private PathNormalizer() {}

  /**
   * The canonical form of a raw request URI ({@code HttpServletRequest.getRequestURI()}).
   *
   * @param rawRequestUri the path as sent, still percent-encoded; a query or fragment is ignored
   * @return the canonical, decoded path starting with {@code /}, or a 400 rejection
   */
  public static Checked<String> normalize(String rawRequestUri) {
    Objects.requireNonNull(rawRequestUri, "rawRequestUri");
    String raw = rawRequestUri;
    int end = indexOfAny(raw, '?', '#');
    if (end >= 0) {
      raw = raw.substring(0, end);
    }
    if (raw.isEmpty()) {
      return Checked.ok("/");
    }
    if (raw.charAt(0) != '/') {
      return reject(rawRequestUri, "it does not start with '/'");
    }
    List<String> segments = new ArrayList<>();
    boolean trailingSlash = false;
    int start = 1;
    while (start <= raw.length()) {
      int slash = raw.indexOf('/', start);
      int stop = slash < 0 ? raw.length() : slash;
      String rawSegment = raw.substring(start, stop);
      int semicolon = rawSegment.indexOf(';');
      if (semicolon >= 0) {
        rawSegment = rawSegment.substring(0, semicolon);
      }
      Optional<String> decoded = PercentCodec.decode(rawSegment, false);
      if (decoded.isEmpty()) {
        return reject(
            rawRequestUri, "segment '" + rawSegment + "' has a malformed %-escape or is not UTF-8");
      }
      String segment = decoded.get();
      Optional<String> problem = problem(rawSegment, segment);
      if (problem.isPresent()) {
        return reject(rawRequestUri, problem.get());
      }
      boolean last = slash < 0;
      if (segment.equals("..")) {
        if (segments.isEmpty()) {
          return reject(rawRequestUri, "'..' climbs above the root");
        }
        segments.remove(segments.size() - 1);
        trailingSlash = last;
      } else if (segment.isEmpty() || segment.equals(".")) {
        if (last) {
          trailingSlash = true;
        }
      } else {
        segments.add(segment);
        trailingSlash = false;
      }
      start = stop + 1;
    }
    return Checked.ok(join(segments, trailingSlash && !segments.isEmpty()));
  }

  /**
   * The canonical path of the request relative to the web application's context path.
   *
   * @param rawRequestUri {@code getRequestURI()}
   * @param contextPath {@code getContextPath()}, {@code ""} for the root context
   * @return the canonical path inside the context, or a 400 rejection
   */
  public static Checked<String> normalize(String rawRequestUri, String contextPath) {
    Objects.requireNonNull(contextPath, "contextPath");
    Checked<String> path = normalize(rawRequestUri);
    if (path.isRefused() || contextPath.isEmpty() || contextPath.equals("/")) {
      return path;
    }
    Checked<String> context = normalize(contextPath);
    if (context.isRefused()) {
      return context;
    }
    String c = context.value();
    String p = path.value();
    if (p.equals(c)) {
      return Checked.ok("/");
    }
    if (p.startsWith(c.endsWith("/") ? c : c + "/")) {
      return Checked.ok(p.substring(c.endsWith("/") ? c.length() - 1 : c.length()));
    }
    return reject(rawRequestUri, "it is outside the context path '" + contextPath + "'");
  }

  private static Optional<String> problem(String rawSegment, String segment) {
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '/' || c == '\\' || c == ';') {
        return Optional.of(
            "segment '"
                + rawSegment
                + "' contains an encoded or literal '"
                + c
                + "', which containers may read as a separator");
      }
      if (c < 0x20 || c == 0x7F) {
        return Optional.of("segment '" + rawSegment + "' contains a control character");
      }
    }
    if ((segment.equals(".") || segment.equals("..")) && !rawSegment.equals(segment)) {
      return Optional.of("segment '" + rawSegment + "' is an encoded dot segment");
    }
    return Optional.empty();
  }

  private static String join(List<String> segments, boolean trailingSlash) {
    StringBuilder out = new StringBuilder();
    for (String segment : segments) {
      out.append('/').append(segment);
    }
    if (segments.isEmpty() || trailingSlash) {
      out.append('/');
    }
    return out.toString();
  }

  private static int indexOfAny(String s, char a, char b) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == a || c == b) {
        return i;
      }
    }
    return -1;
  }

  private static Checked<String> reject(String raw, String why) {
    String shown = raw.length() > 200 ? raw.substring(0, 200) + "..." : raw;
    return Checked.refused(
        RefusalReason.MALFORMED_PATH,
        "The request path '" + shown + "' was refused because " + why + ".");
  }
}
