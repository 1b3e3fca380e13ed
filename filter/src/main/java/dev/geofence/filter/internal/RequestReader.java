package dev.geofence.filter.internal;

import dev.geofence.filter.GeofenceSettings;
import dev.geofence.filter.internal.body.BodyCapture;
import dev.geofence.filter.internal.body.CapturedBody;
import dev.geofence.filter.internal.model.BatchEntry;
import dev.geofence.filter.internal.model.FoundModel;
import dev.geofence.filter.internal.model.JsonModelReader;
import dev.geofence.filter.internal.model.ModelFinder;
import dev.geofence.filter.internal.model.ModelLocation;
import dev.geofence.filter.internal.model.ModelRequest;
import dev.geofence.filter.internal.model.ModelRoutes;
import dev.geofence.filter.internal.model.PathNormalizer;
import dev.geofence.filter.internal.model.Route;
import dev.geofence.filter.internal.response.Checked;
import dev.geofence.filter.internal.response.RefusalReason;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads what a request asks for, before and apart from who asks: the canonical path, the route and,
 * on a model route, the body and the model. Every way a request can be unreadable is a refusal,
 * never an exception. Immutable and thread-safe.
 */
final class RequestReader {

  /** Headers by which Google APIs, Jersey, Spring and others let a request claim another method. */
  private static final List<String> METHOD_OVERRIDE_HEADERS =
      List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");

  /**
   * Where a request goes: its canonical path and route ({@code null} when none matches), or the
   * refusal of a malformed path or a wrong method, with the methods a 405 lists.
   */
  record Target(String path, Route route, Checked<String> refused, Set<String> allow) {}

  /**
   * What a request on a model route asks for: its body (null unless the route reads it) and the
   * model (null when none is named), or whether it is decided as the highest tier, or the entries
   * of a Message Batches body (null for any other request).
   */
  record Asked(CapturedBody body, FoundModel model, boolean highest, List<BatchEntry> entries) {
    Asked(CapturedBody body, FoundModel model, boolean highest) {
      this(body, model, highest, null);
    }
  }

  private final GeofenceSettings settings;
  private final ModelRoutes routes;
  private final BodyCapture capture;
  private final JsonModelReader json = JsonModelReader.defaults();
  private final ModelFinder finder = ModelFinder.of(json);

  RequestReader(GeofenceSettings settings) {
    this.settings = settings;
    this.routes = ModelRoutes.parse(settings.routes());
    this.capture =
        BodyCapture.builder()
            .maxBytes(settings.maxInflatedSize())
            .decompress(settings.decompress())
            .build();
  }

  /** The path and route; a refusal for a malformed path, a method override or a wrong method. */
  Target target(HttpServletRequest request) {
    Checked<String> path =
        PathNormalizer.normalize(request.getRequestURI(), request.getContextPath());
    if (path.isRefused()) {
      return new Target(null, null, path, Set.of());
    }
    String canonical = path.value();
    Optional<String> override = methodOverride(request);
    if (override.isPresent() && routes.isModelPath(canonical)) {
      Set<String> allowed = routes.allowedMethods(canonical);
      return refused(
          canonical,
          RefusalReason.METHOD_NOT_ALLOWED,
          "The header "
              + override.get()
              + " asks for another method than "
              + Printable.of(request.getMethod(), 200)
              + " on "
              + canonical
              + "; method overrides are not accepted on model routes.",
          allowed);
    }
    Optional<Route> route = routes.match(request.getMethod(), canonical);
    if (route.isEmpty() && routes.isModelPath(canonical)) {
      Set<String> allowed = routes.allowedMethods(canonical);
      return refused(
          canonical,
          RefusalReason.METHOD_NOT_ALLOWED,
          "The method "
              + Printable.of(request.getMethod(), 200)
              + " is not allowed on "
              + canonical
              + "; expected "
              + String.join(", ", allowed)
              + ".",
          allowed);
    }
    return new Target(canonical, route.orElse(null), null, Set.of());
  }

  private static Target refused(
      String path, RefusalReason reason, String detail, Set<String> allow) {
    return new Target(path, null, Checked.refused(reason, detail), allow);
  }

  /**
   * The body and model of a request on {@code route}: a refusal for a body too large, malformed or
   * undecodable, an ambiguous or missing model, or a path model behind a dot segment; on a batch
   * route, the same for each entry, and a refusal for a malformed or too large batch.
   */
  Checked<Asked> asked(HttpServletRequest request, Route route, String path) {
    CapturedBody body = null;
    if (route.readsBody()) {
      Checked<CapturedBody> read = readBody(request);
      if (read.isRefused()) {
        return Checked.refused(read.refusal());
      }
      body = read.value();
    }
    if (route.sources().isEmpty()) {
      return Checked.ok(new Asked(body, null, false));
    }
    if (route.readsBatch()) {
      Checked<List<BatchEntry>> entries =
          json.readBatch(body.array(), body.length(), settings.maxBatchEntries());
      return entries.isRefused()
          ? Checked.refused(entries.refusal())
          : Checked.ok(new Asked(body, null, false, entries.value()));
    }
    Checked<Optional<FoundModel>> found =
        finder.find(route, ModelRequest.of(request, path, Optional.ofNullable(body)));
    if (found.isRefused()) {
      return Checked.refused(found.refusal());
    }
    if (found.value().isEmpty()) {
      return route.decidesUnreadAsHighest()
          ? Checked.ok(new Asked(body, null, true))
          : Checked.refused(
              RefusalReason.MODEL_MISSING,
              "The request names no model; expected it in " + route.sources() + ".");
    }
    FoundModel model = found.value().get();
    if (model.location() instanceof ModelLocation.Path && hasDotSegment(request.getRequestURI())) {
      return Checked.refused(
          RefusalReason.MALFORMED_PATH,
          "The request path '"
              + Printable.of(request.getRequestURI(), 200)
              + "' has a '.' or '..' segment, which is refused where the model is read from the"
              + " path: anything reading the path as sent would see another model.");
    }
    return Checked.ok(new Asked(body, model, false));
  }

  /** Reads the body within the limits: the body as sent, then as decoded. */
  private Checked<CapturedBody> readBody(HttpServletRequest request) {
    long declared = request.getContentLengthLong();
    if (declared > settings.maxBodySize()) {
      return tooLarge(settings.maxBodySize());
    }
    Checked<CapturedBody> read = capture.read(request);
    if (!read.isRefused()
        && !read.value().decoded()
        && read.value().length() > settings.maxBodySize()) {
      return tooLarge(settings.maxBodySize());
    }
    return read;
  }

  private static Checked<CapturedBody> tooLarge(long limit) {
    return Checked.refused(
        RefusalReason.BODY_TOO_LARGE,
        "The request body is larger than the limit of " + limit + " bytes.");
  }

  /**
   * Whether the path as sent has a {@code .} or {@code ..} segment (path parameters ignored). The
   * filter judges the model in the normalised path, but {@code /model/big-1/../small-1/invoke}
   * still names big-1 in {@code getRequestURI()}, which proxies forward and some applications
   * split.
   */
  private static boolean hasDotSegment(String rawUri) {
    int end = rawUri.indexOf('?');
    for (String segment : (end < 0 ? rawUri : rawUri.substring(0, end)).split("/", -1)) {
      int semicolon = segment.indexOf(';');
      String name = semicolon < 0 ? segment : segment.substring(0, semicolon);
      if (name.equals(".") || name.equals("..")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The first method-override header whose value differs from the request's method. Frameworks that
   * honour these would run a {@code GET}, judged by the route for {@code GET} (the country alone on
   * a listing route), as the {@code POST} that names a model.
   */
  private static Optional<String> methodOverride(HttpServletRequest request) {
    for (String name : METHOD_OVERRIDE_HEADERS) {
      Enumeration<String> values = request.getHeaders(name);
      while (values != null && values.hasMoreElements()) {
        if (!values.nextElement().strip().equalsIgnoreCase(request.getMethod())) {
          return Optional.of(name);
        }
      }
    }
    return Optional.empty();
  }
}
