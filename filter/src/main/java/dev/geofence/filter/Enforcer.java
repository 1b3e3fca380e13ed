package dev.geofence.filter;

import dev.geofence.filter.Geofence.Located;
import dev.geofence.filter.address.IpAddresses;
import dev.geofence.filter.audit.AuditRecord;
import dev.geofence.filter.audit.OverflowPolicy;
import dev.geofence.filter.body.BodyCapture;
import dev.geofence.filter.body.CapturedBody;
import dev.geofence.filter.body.ReplayingRequest;
import dev.geofence.filter.model.FoundModel;
import dev.geofence.filter.model.JsonModelReader;
import dev.geofence.filter.model.ModelFinder;
import dev.geofence.filter.model.ModelLocation;
import dev.geofence.filter.model.ModelRequest;
import dev.geofence.filter.model.ModelRewriter;
import dev.geofence.filter.model.PathNormalizer;
import dev.geofence.filter.model.Route;
import dev.geofence.filter.response.Outcome;
import dev.geofence.filter.response.Refusal;
import dev.geofence.filter.response.RefusalWriter;
import dev.geofence.filter.response.Rejection;
import dev.geofence.filter.response.RejectionReason;
import dev.geofence.policy.Action;
import dev.geofence.policy.Decision;
import dev.geofence.policy.Policy;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running filter: one request at a time per call, any number of threads at once. Holds only
 * final, thread-safe parts; the policy is read once per request from the engine's snapshot, so a
 * request is decided, refused and audited under exactly one policy version.
 */
final class Enforcer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Enforcer.class);

  /** Headers by which Google APIs, Jersey, Spring and others let a request claim another method. */
  private static final List<String> METHOD_OVERRIDE_HEADERS =
      List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");

  private final Geofence engine;
  private final GeofenceSettings settings;
  private final AuditTrail audit;
  private final BodyCapture capture;
  private final ModelFinder finder = ModelFinder.of(JsonModelReader.defaults());
  private final RefusalWriter refusals;
  private final Tally tally;

  private Enforcer(Geofence engine, AuditTrail audit, Tally tally) {
    this.engine = engine;
    this.settings = engine.settings();
    this.audit = audit;
    this.tally = tally;
    this.capture =
        BodyCapture.builder()
            .maxBytes(settings.maxInflatedSize())
            .decompress(settings.decompress())
            .build();
    this.refusals = RefusalWriter.of(settings.refusalFormat(), settings.policyUrl());
  }

  /**
   * Starts the engine and the audit trail.
   *
   * @throws IllegalArgumentException naming the setting that failed
   */
  static Enforcer start(GeofenceSettings settings) {
    Geofence engine = Geofence.create(settings);
    try {
      AuditTrail audit = AuditTrail.start(settings);
      return new Enforcer(engine, audit, Tally.create(settings, audit.log(), engine));
    } catch (RuntimeException e) {
      engine.close();
      throw e;
    }
  }

  Geofence engine() {
    return engine;
  }

  GeofenceStatus status() {
    return engine.status(Optional.of(audit.log().stats()), tally.counts());
  }

  /** What becomes of a request, decided before anything reaches the application. */
  private sealed interface Verdict permits Pass, Refuse {}

  /** Let through (possibly rewritten, possibly forwarded to a rewritten path). */
  private record Pass(
      HttpServletRequest request, Optional<String> forwardTo, Optional<GeofenceDecision> decision)
      implements Verdict {}

  /** Refuse with this body; audited as {@code action}. */
  private record Refuse(
      Refusal refusal,
      String action,
      String reason,
      Optional<Located> caller,
      Optional<GeofenceDecision> decision,
      Optional<String> model,
      Set<String> allow)
      implements Verdict {}

  void filter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    Exchange x =
        new Exchange(
            request, System.nanoTime(), settings.clock().instant(), engine.currentPolicy());
    Verdict verdict;
    try {
      verdict = examine(request, x);
    } catch (RuntimeException e) {
      LOG.error(
          "The geo-fence failed on request {} ({} {}); answering 503",
          x.requestId,
          Exchange.printable(request.getMethod()),
          Exchange.printable(request.getRequestURI()),
          e);
      verdict =
          new Refuse(
              new Rejection(
                      RejectionReason.INTERNAL_ERROR,
                      "The geo-fence could not examine the request.")
                  .toRefusal(),
              AuditRecord.ERROR,
              "internal error: " + e.getClass().getSimpleName(),
              Optional.ofNullable(x.caller),
              Optional.empty(),
              Optional.ofNullable(x.model),
              Set.of());
    }
    x.decidedNanos = System.nanoTime();
    if (verdict instanceof Refuse refuse) {
      refuse(x, refuse, response);
    } else {
      pass(x, (Pass) verdict, response, chain);
    }
  }

  /** normalise path, match route, resolve and look up, read model, evaluate, decide what to do. */
  private Verdict examine(HttpServletRequest request, Exchange x) {
    x.requestId = requestId(request);
    Outcome<String> path =
        PathNormalizer.normalize(request.getRequestURI(), request.getContextPath());
    if (path.isRejected()) {
      return reject(path.rejection(), x, Set.of());
    }
    x.path = path.value();
    Optional<String> override = methodOverride(request);
    if (override.isPresent() && !settings.routes().allowedMethods(x.path).isEmpty()) {
      return reject(
          new Rejection(
              RejectionReason.METHOD_NOT_ALLOWED,
              "The header "
                  + override.get()
                  + " asks for another method than "
                  + Exchange.printable(request.getMethod())
                  + " on "
                  + x.path
                  + "; method overrides are not accepted on model routes."),
          x,
          settings.routes().allowedMethods(x.path));
    }
    Optional<Route> route = settings.routes().match(request.getMethod(), x.path);
    if (route.isEmpty()) {
      Set<String> allowed = settings.routes().allowedMethods(x.path);
      if (!allowed.isEmpty()) {
        return reject(
            new Rejection(
                RejectionReason.METHOD_NOT_ALLOWED,
                "The method "
                    + Exchange.printable(request.getMethod())
                    + " is not allowed on "
                    + x.path
                    + "; expected "
                    + String.join(", ", allowed)
                    + "."),
            x,
            allowed);
      }
      if (settings.unmatched() == GeofenceSettings.Unmatched.PASS) {
        return new Pass(
            forwarded(request, null, Optional.empty()), Optional.empty(), Optional.empty());
      }
    }
    x.caller =
        engine.locate(
            engine
                .resolver()
                .resolve(
                    request.getRemoteAddr(), request.getHeaders(engine.resolver().headerName())));
    if (!x.caller.client().isResolved()) {
      // Refused before the body is read: nothing in it could make the caller any less anonymous.
      return act(
          request,
          engine.decide(x.requestId, x.policy, x.caller, null, x.at),
          Optional.empty(),
          Optional.empty());
    }
    Optional<CapturedBody> body = Optional.empty();
    Optional<FoundModel> found = Optional.empty();
    if (route.isPresent()) {
      if (route.get().readsBody()) {
        Outcome<CapturedBody> read = readBody(request);
        if (read.isRejected()) {
          return reject(read.rejection(), x, Set.of());
        }
        body = Optional.of(read.value());
      }
      if (!route.get().sources().isEmpty()) {
        Outcome<Optional<FoundModel>> model =
            finder.find(route.get(), ModelRequest.of(request, x.path, body));
        if (model.isRejected()) {
          return reject(model.rejection(), x, Set.of());
        }
        if (model.value().isEmpty() && route.get().decidesUnreadAsHighest()) {
          return act(
              request, engine.decideHighest(x.requestId, x.policy, x.caller, x.at), found, body);
        }
        if (model.value().isEmpty()) {
          return reject(
              new Rejection(
                  RejectionReason.MODEL_MISSING,
                  "The request names no model; expected it in " + route.get().sources() + "."),
              x,
              Set.of());
        }
        found = model.value();
        x.model = found.get().value();
        if (found.get().location() instanceof ModelLocation.Path
            && hasDotSegment(request.getRequestURI())) {
          return reject(
              new Rejection(
                  RejectionReason.MALFORMED_PATH,
                  "The request path '"
                      + Exchange.printable(request.getRequestURI())
                      + "' has a '.' or '..' segment, which is refused where the"
                      + " model is read from the path: anything reading the path as sent would see another model."),
              x,
              Set.of());
        }
      }
    }
    if (route.isEmpty() && settings.unmatched() == GeofenceSettings.Unmatched.HIGHEST) {
      return act(request, engine.decideHighest(x.requestId, x.policy, x.caller, x.at), found, body);
    }
    GeofenceDecision decision = engine.decide(x.requestId, x.policy, x.caller, x.model, x.at);
    return act(request, decision, found, body);
  }

  private Verdict act(
      HttpServletRequest request,
      GeofenceDecision decision,
      Optional<FoundModel> found,
      Optional<CapturedBody> body) {
    Decision d = decision.decision();
    if (d.action() == Action.BLOCK) {
      // Refused before any rule, the request is at fault (400), not the caller's country.
      boolean beforeAnyRule =
          d.reason() == Decision.Reason.UNRESOLVABLE || d.reason() == Decision.Reason.MODEL_INVALID;
      return new Refuse(
          beforeAnyRule ? Refusals.beforeAnyRule(decision) : Refusals.block(decision, settings),
          AuditRecord.BLOCK,
          Refusals.blockReason(decision),
          Optional.empty(),
          Optional.of(decision),
          d.requestedModel(),
          Set.of());
    }
    ReplayingRequest.Builder rewritten = null;
    if (body.isPresent()) {
      rewritten = ReplayingRequest.builder(request).body(body.get());
    }
    Optional<String> forwardTo = Optional.empty();
    if (d.action() == Action.SUBSTITUTE) {
      rewritten = rewritten != null ? rewritten : ReplayingRequest.builder(request);
      // Replaces the body set above when the model was in it; a path model gives a path to forward
      // to.
      forwardTo =
          ModelRewriter.apply(
              found.orElseThrow(), d.effectiveModel().orElseThrow(), body, rewritten);
    }
    return new Pass(
        forwarded(request, rewritten, Optional.of(decision)), forwardTo, Optional.of(decision));
  }

  /**
   * The request the application sees: caller-sent {@code X-Geofence-*} headers removed, the
   * decision headers added when configured; {@code builder} (may be null) holds the body and model
   * already set. The original request when nothing changes.
   */
  private HttpServletRequest forwarded(
      HttpServletRequest request,
      ReplayingRequest.Builder builder,
      Optional<GeofenceDecision> decision) {
    Enumeration<String> names = request.getHeaderNames();
    while (names != null && names.hasMoreElements()) {
      String name = names.nextElement();
      if (DecisionHeaders.isDecisionHeader(name)) {
        builder = builder != null ? builder : ReplayingRequest.builder(request);
        builder.removeHeader(name);
      }
    }
    if (settings.decisionHeaders() && decision.isPresent()) {
      builder = builder != null ? builder : ReplayingRequest.builder(request);
      DecisionHeaders.add(builder, decision.get());
    }
    return builder == null ? request : builder.build();
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

  /** Reads the body within the limits: the body as sent, then as decoded. */
  private Outcome<CapturedBody> readBody(HttpServletRequest request) {
    long declared = request.getContentLengthLong();
    if (declared > settings.maxBodySize()) {
      return tooLarge(settings.maxBodySize());
    }
    Outcome<CapturedBody> read = capture.read(request);
    if (!read.isRejected()
        && !read.value().decoded()
        && read.value().length() > settings.maxBodySize()) {
      return tooLarge(settings.maxBodySize());
    }
    return read;
  }

  private static Outcome<CapturedBody> tooLarge(long limit) {
    return Outcome.rejected(
        RejectionReason.BODY_TOO_LARGE,
        "The request body is larger than the limit of " + limit + " bytes.");
  }

  private Refuse reject(Rejection rejection, Exchange x, Set<String> allow) {
    return new Refuse(
        rejection.toRefusal(),
        AuditRecord.BLOCK,
        "request rejected (" + rejection.reason().code() + "): " + rejection.detail(),
        Optional.ofNullable(x.caller),
        Optional.empty(),
        Optional.ofNullable(x.model),
        allow);
  }

  /**
   * The request id: a trusted proxy's request-id header when configured and sane, else a new one.
   */
  private String requestId(HttpServletRequest request) {
    if (settings.requestIdHeader().isPresent()) {
      String value = request.getHeader(settings.requestIdHeader().get());
      if (value != null
          && value.length() <= 128
          && !value.isEmpty()
          && value.chars().allMatch(c -> c > 0x20 && c < 0x7F)
          && fromTrustedProxy(request)) {
        return value;
      }
    }
    return engine.nextRequestId();
  }

  private boolean fromTrustedProxy(HttpServletRequest request) {
    String peer = request.getRemoteAddr();
    return peer != null
        && IpAddresses.tryParse(peer).map(settings.trustedProxies()::contains).orElse(false);
  }

  private void refuse(Exchange x, Refuse refuse, HttpServletResponse response) throws IOException {
    int status = refuse.refusal().status();
    // Audit first: a WAIT overflow policy holds the answer until the record is written.
    audit.record(
        x,
        refuse.action(),
        refuse.reason(),
        status,
        refuse.decision(),
        refuse.caller(),
        refuse.model(),
        engine);
    tally.count(
        AuditRecord.ERROR.equals(refuse.action())
            ? Tally.Kind.ERROR
            : refuse.decision().isPresent()
                    && refuse.decision().get().decision().reason() != Decision.Reason.UNRESOLVABLE
                    && refuse.decision().get().decision().reason() != Decision.Reason.MODEL_INVALID
                ? Tally.Kind.BLOCKED
                : Tally.Kind.REJECTED,
        x);
    if (!refuse.allow().isEmpty() && !refuse.allow().contains("*")) {
      response.setHeader("Allow", String.join(", ", refuse.allow()));
    }
    refusals.write(response, refuse.refusal());
  }

  private void pass(Exchange x, Pass pass, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest request = pass.request();
    if (pass.decision().isEmpty()) {
      chain.doFilter(request, response); // unmatched, in pass mode: neither decided nor audited
      return;
    }
    GeofenceDecision decision = pass.decision().get();
    request.setAttribute(GeofenceDecision.ATTRIBUTE, decision);
    Decision d = decision.decision();
    if (d.action() == Action.SUBSTITUTE) {
      response.setHeader(
          settings.requestedModelHeader(),
          DecisionHeaders.printable(d.requestedModel().orElse("")));
      response.setHeader(
          settings.servedModelHeader(), DecisionHeaders.printable(d.effectiveModel().orElse("")));
    }
    String action = d.action() == Action.SUBSTITUTE ? AuditRecord.SUBSTITUTE : AuditRecord.ALLOW;
    tally.count(d.action() == Action.SUBSTITUTE ? Tally.Kind.SUBSTITUTED : Tally.Kind.ALLOWED, x);
    // The record is written when the application returns; a caller must not have the whole answer
    // before that
    // when the audit log holds requests for their records.
    HttpServletResponse held =
        audit.log().overflow(action) == OverflowPolicy.WAIT ? new HeldResponse(response) : response;
    // Stays 500 if the application throws: the container answers 500, and the decision is still on
    // record.
    int status = 500;
    try {
      if (pass.forwardTo().isPresent()) {
        request.getRequestDispatcher(pass.forwardTo().get()).forward(request, held);
      } else {
        chain.doFilter(request, held);
      }
      status = held.getStatus();
    } finally {
      audit.record(
          x,
          action,
          Refusals.passReason(decision),
          status,
          pass.decision(),
          Optional.empty(),
          d.requestedModel(),
          engine);
    }
  }

  @Override
  public void close() {
    try {
      tally.close();
      audit.close();
    } finally {
      engine.close();
    }
  }

  /** Per-request state, for the audit record; confined to the request thread. */
  static final class Exchange {
    final HttpServletRequest request;
    final long startNanos;
    final java.time.Instant at;
    final Policy policy;
    String requestId = "";
    long decidedNanos;
    String path;
    Located caller;
    String model;

    Exchange(HttpServletRequest request, long startNanos, java.time.Instant at, Policy policy) {
      this.request = request;
      this.startNanos = startNanos;
      this.at = at;
      this.policy = policy;
    }

    /** For logs: control characters replaced, length bounded. */
    static String printable(String s) {
      if (s == null) {
        return "-";
      }
      String cut = s.length() > 200 ? s.substring(0, 200) + "..." : s;
      StringBuilder out = new StringBuilder(cut.length());
      for (int i = 0; i < cut.length(); i++) {
        char c = cut.charAt(i);
        out.append(c < 0x20 || c == 0x7F ? '?' : c);
      }
      return out.toString();
    }
  }
}
