package dev.geofence.filter.internal.model;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.geofence.filter.internal.body.CapturedBody;
import dev.geofence.filter.internal.body.ReplayingRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Replaces a found model with another, changing nothing else in the request. Stateless and
 * thread-safe.
 *
 * <ul>
 *   <li>batch: the same, for each entry's {@code params.model} that is replaced;
 *   <li>body: the bytes of the JSON string token are replaced by the JSON-encoded new model; every
 *       other byte stays as sent, and the replaying request's {@code Content-Length} follows the
 *       new length;
 *   <li>path: the canonical path with the new model, percent-encoded as one segment part; the
 *       request must then be forwarded ({@code RequestDispatcher.forward}) because servlet mapping
 *       already happened. A model with {@code /}, {@code \}, {@code ;} or a control character
 *       cannot be placed in a path;
 *   <li>header: the header shows the new model;
 *   <li>query: the raw query string with only that value re-encoded, and the parameter overridden.
 * </ul>
 */
public final class ModelRewriter {

  private ModelRewriter() {}

  /**
   * The body with the model token at {@code at} replaced by {@code newModel}.
   *
   * @throws IllegalArgumentException if {@code at} is not a quoted string token in {@code body}
   */
  public static CapturedBody body(CapturedBody body, ModelLocation.Body at, String newModel) {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(newModel, "newModel");
    return body(body, List.of(at), List.of(newModel));
  }

  /**
   * The batch body with each listed entry's model replaced; every other byte, the other entries'
   * models included, stays as sent.
   *
   * @param newModels the new model of each entry in {@code entries}, or null to keep it
   * @throws IllegalArgumentException if the lists differ in size, or a span is not a quoted string
   *     token in {@code body}
   */
  public static CapturedBody batch(
      CapturedBody body, List<BatchEntry> entries, List<String> newModels) {
    Objects.requireNonNull(entries, "entries");
    Objects.requireNonNull(newModels, "newModels");
    if (entries.size() != newModels.size()) {
      throw new IllegalArgumentException(
          entries.size() + " entries but " + newModels.size() + " new models.");
    }
    List<ModelLocation.Body> spans = new ArrayList<>();
    List<String> models = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      if (newModels.get(i) != null) {
        spans.add((ModelLocation.Body) entries.get(i).model().location());
        models.add(newModels.get(i));
      }
    }
    return body(body, spans, models);
  }

  /** The body with each span, in increasing order, replaced by the JSON-encoded model. */
  private static CapturedBody body(
      CapturedBody body, List<ModelLocation.Body> spans, List<String> newModels) {
    Objects.requireNonNull(body, "body");
    byte[] old = body.array();
    List<byte[]> tokens = new ArrayList<>(spans.size());
    int length = body.length();
    int previousEnd = 0;
    for (int i = 0; i < spans.size(); i++) {
      ModelLocation.Body at = spans.get(i);
      if (at.start() < previousEnd
          || at.end() > body.length()
          || old[at.start()] != '"'
          || old[at.end() - 1] != '"') {
        throw new IllegalArgumentException(
            "Span "
                + at.start()
                + ".."
                + at.end()
                + " is not a string token of this "
                + body.length()
                + "-byte body, after the one before it.");
      }
      byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(newModels.get(i));
      tokens.add(escaped);
      length += escaped.length + 2 - (at.end() - at.start());
      previousEnd = at.end();
    }
    byte[] out = new byte[length];
    int from = 0;
    int to = 0;
    for (int i = 0; i < spans.size(); i++) {
      ModelLocation.Body at = spans.get(i);
      byte[] escaped = tokens.get(i);
      System.arraycopy(old, from, out, to, at.start() - from);
      to += at.start() - from;
      out[to++] = '"';
      System.arraycopy(escaped, 0, out, to, escaped.length);
      to += escaped.length;
      out[to++] = '"';
      from = at.end();
    }
    System.arraycopy(old, from, out, to, body.length() - from);
    return body.withContent(out);
  }

  /**
   * The context-relative, percent-encoded path with the model replaced, for {@code
   * request.getRequestDispatcher(path).forward(...)}. The application routes it as it would the
   * canonical path: segments are re-encoded so that none gains a {@code /}, {@code ;} or dot
   * segment.
   *
   * @throws IllegalArgumentException if the new model contains {@code /}, {@code \}, {@code ;} or a
   *     control character (containers split or strip at those even when encoded, and {@link
   *     PathNormalizer} refuses them), or would form an empty, {@code .} or {@code ..} segment
   */
  public static String path(ModelLocation.Path at, String newModel) {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(newModel, "newModel");
    if (newModel
        .chars()
        .anyMatch(c -> c == '/' || c == '\\' || c == ';' || c < 0x20 || c == 0x7F)) {
      throw new IllegalArgumentException(
          "Model '"
              + newModel.replaceAll("[\\r\\n]", " ")
              + "' cannot be placed in a path segment: it contains '/', '\\', ';' or a control character.");
    }
    String path = at.normalizedPath();
    String before = path.substring(0, at.start());
    String after = path.substring(at.end());
    String segment =
        before.substring(before.lastIndexOf('/') + 1)
            + newModel
            + (after.indexOf('/') < 0 ? after : after.substring(0, after.indexOf('/')));
    if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
      throw new IllegalArgumentException(
          "Model '"
              + newModel
              + "' would make the path segment '"
              + segment
              + "'; expected a model that forms a normal segment.");
    }
    return encodePath(before) + PercentCodec.encodeSegment(newModel) + encodePath(after);
  }

  /** The raw query string with the value at {@code at} replaced by the encoded {@code newModel}. */
  public static String query(ModelLocation.Query at, String newModel) {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(newModel, "newModel");
    String raw = at.rawQuery();
    return raw.substring(0, at.start())
        + PercentCodec.encodeQueryComponent(newModel)
        + raw.substring(at.end());
  }

  /**
   * Applies a substitution to a request being built: body, header and query models are rewritten in
   * {@code request}; a path model cannot be, because the servlet was already chosen, so the path to
   * forward to is returned.
   *
   * @param body the captured body; required when the model was in the body
   * @return the path to forward to when the model was in the path, else empty
   * @throws IllegalArgumentException if the model was in the body but {@code body} is empty
   */
  public static Optional<String> apply(
      FoundModel found,
      String newModel,
      Optional<CapturedBody> body,
      ReplayingRequest.Builder request) {
    Objects.requireNonNull(found, "found");
    Objects.requireNonNull(newModel, "newModel");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(request, "request");
    ModelLocation location = found.location();
    if (location instanceof ModelLocation.Body at) {
      request.body(
          body(
              body.orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "The model was found in the body," + " but no body was given.")),
              at,
              newModel));
    } else if (location instanceof ModelLocation.Header at) {
      request.setHeader(at.name(), newModel);
    } else if (location instanceof ModelLocation.Query at) {
      request.queryString(query(at, newModel)).parameter(at.name(), newModel);
    } else {
      return Optional.of(path((ModelLocation.Path) location, newModel));
    }
    return Optional.empty();
  }

  private static String encodePath(String decoded) {
    StringBuilder out = new StringBuilder(decoded.length() + 8);
    int start = 0;
    while (true) {
      int slash = decoded.indexOf('/', start);
      out.append(
          PercentCodec.encodeSegment(
              decoded.substring(start, slash < 0 ? decoded.length() : slash)));
      if (slash < 0) {
        return out.toString();
      }
      out.append('/');
      start = slash + 1;
    }
  }
}
