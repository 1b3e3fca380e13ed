package dev.geofence.filter.internal;

import dev.geofence.filter.GeofenceSettings;
import dev.geofence.filter.GeofenceStatus;
import dev.geofence.filter.Screening;
import dev.geofence.filter.address.ClientAddress;
import dev.geofence.filter.audit.AuditLog;
import dev.geofence.filter.audit.AuditSink;
import dev.geofence.filter.geo.GeoDatabase;
import dev.geofence.filter.geo.GeoResult;
import dev.geofence.filter.internal.Exchange.Arrival;
import dev.geofence.filter.internal.RequestReader.Asked;
import dev.geofence.filter.internal.RequestReader.Target;
import dev.geofence.filter.internal.body.ReplayingRequest;
import dev.geofence.filter.internal.cache.IdentityMemo;
import dev.geofence.filter.internal.model.BatchEntry;
import dev.geofence.filter.internal.model.ModelRewriter;
import dev.geofence.filter.internal.response.Checked;
import dev.geofence.filter.internal.response.Refusal;
import dev.geofence.filter.internal.response.RefusalReason;
import dev.geofence.filter.internal.response.RefusalWriter;
import dev.geofence.filter.internal.usage.Counted;
import dev.geofence.filter.internal.usage.Verdict;
import dev.geofence.policy.Action;
import dev.geofence.policy.Decision;
import dev.geofence.policy.OverUsage;
import dev.geofence.policy.Policy;
import dev.geofence.policy.UsageLimit;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request, from arrival to audit record: read what it asks for → resolve and locate the caller
 * → decide → act (refuse, or pass it on, rewritten where the policy substitutes) → record. Each
 * step is one call on a part that knows nothing of the others; what a step learns goes into the one
 * immutable {@link Exchange} the later steps read.
 *
 * <p>The policy is read once per request, so a request is decided, refused and recorded under
 * exactly one policy version. A request is never let through unexamined: a failure answers 503.
 * Thread-safe: one instance serves every request thread; only final, thread-safe parts.
 */
public final class RequestPath implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RequestPath.class);

  /** How many refused entries a batch refusal names; the rest are counted. */
  static final int NAMED_ENTRIES = 20;

  private final Engine engine;
  private final GeofenceSettings settings;
  private final RequestReader reader;
  private final PrincipalReader principals;
  private final AuditRecorder recorder;
  private final DecisionCounts counts = new DecisionCounts();
  private final RequestIds requestIds = new RequestIds();
  private final RefusalWriter refusals;
  // The block refusal of each screening, rendered: null when caching is off, as no screening is
  // then answered twice.
  private final IdentityMemo<Screening, RefusalWriter.Rendered> blocks;
  private final UsageGate usage;

  private RequestPath(Engine engine, AuditRecorder recorder, UsageGate usage) {
    this.engine = engine;
    this.settings = engine.settings();
    this.reader = new RequestReader(settings);
    this.principals =
        new PrincipalReader(
            settings.principalSource(),
            settings.principalPrivacy().orElse(null),
            engine.resolver());
    this.recorder = recorder;
    this.usage = usage;
    this.refusals = RefusalWriter.of(settings.refusalFormat(), settings.policyUrl());
    this.blocks = Screenings.memo(settings);
  }

  /**
   * Starts the engine, the audit trail and the usage store.
   *
   * @throws IllegalArgumentException naming the setting that failed
   */
  public static RequestPath start(GeofenceSettings settings) {
    Engine engine = Engine.start(settings);
    AuditRecorder recorder = null;
    try {
      recorder = AuditRecorder.start(settings, () -> engine.database().flatMap(GeoDatabase::info));
      return new RequestPath(engine, recorder, UsageGate.start(settings, recorder));
    } catch (RuntimeException e) {
      if (recorder != null) {
        recorder.close();
      }
      engine.close();
      throw e;
    }
  }

  /** The engine, for {@code explain} and status pages. */
  public Engine engine() {
    return engine;
  }

  /** The current state with the audit counters, request counts and usage. */
  public GeofenceStatus status() {
    return engine.status(
        recorder.log().map(AuditLog::stats), counts.snapshot(), Optional.of(usage.status()));
  }

  /** Examines, acts on and records one request. */
  public void handle(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (request.getDispatcherType() != DispatcherType.REQUEST
        && request.getAttribute(Screening.ATTRIBUTE) != null) {
      // A later dispatch (async, forward, error) of a request this filter already decided, passed
      // and is recording: deciding it again would count and record it twice. Only the filter sets
      // the attribute; a caller cannot.
      chain.doFilter(request, response);
      return;
    }
    long start = System.nanoTime();
    Instant at = settings.clock().instant();
    Policy policy = engine.policy();
    Target target = reader.target(request);
    if (target.refused() == null
        && target.route() == null
        && settings.unmatched() == GeofenceSettings.Unmatched.PASS) {
      // Not a model path and not the geo-fence's business: neither decided nor audited.
      ReplayingRequest.Builder stripped = withoutForgedHeaders(request, null);
      chain.doFilter(stripped == null ? request : stripped.build(), response);
      return;
    }
    Principal principal = Principal.NONE;
    RuntimeException unreadable = null;
    try {
      principal = principals.read(request);
    } catch (RuntimeException e) {
      // The application's principal or attribute threw: its fault, answered as the filter's own.
      unreadable = e;
    }
    Arrival arrival =
        new Arrival(
            requestId(request),
            policy,
            at,
            start,
            request.getMethod(),
            request.getRequestURI(),
            principal);
    Exchange exchange;
    try {
      if (unreadable != null) {
        throw unreadable;
      }
      exchange = examine(request, target, arrival);
    } catch (RuntimeException e) {
      LOG.error(
          "The geo-fence failed on request {} ({} {}); answering 503",
          arrival.requestId(),
          Printable.of(request.getMethod(), 200),
          Printable.of(request.getRequestURI(), 200),
          e);
      exchange =
          Exchange.failed(
              arrival,
              Refusal.of(
                  RefusalReason.INTERNAL_ERROR, "The geo-fence could not examine the request."),
              e);
    }
    counts.count(exchange.ending(), exchange.decidedNanos() - start);
    if (exchange.refused()) {
      refuse(exchange, response);
    } else {
      pass(exchange, response, chain);
    }
  }

  /** Resolve and locate the caller, read the model, decide: the one {@link Exchange}. */
  private Exchange examine(HttpServletRequest request, Target target, Arrival arrival) {
    ClientAddress caller =
        engine
            .resolver()
            .resolve(request.getRemoteAddr(), request.getHeaders(engine.resolver().headerName()));
    GeoResult geo = engine.locate(caller);
    if (target.refused() != null) {
      return Exchange.refused(arrival, caller, geo, target.refused().refusal(), target.allow());
    }
    if (arrival.principal().invalid()) {
      return Exchange.refused(
          arrival,
          caller,
          geo,
          Refusal.of(
              RefusalReason.PRINCIPAL_INVALID,
              "The principal read from "
                  + settings.principalSource()
                  + " is longer than "
                  + PrincipalReader.MAX_LENGTH
                  + " characters, holds a control character or is sent more than once."),
          Set.of());
    }
    Policy policy = arrival.policy();
    Instant at = arrival.at();
    Screening screening;
    Asked asked = null;
    if (!caller.isResolved()) {
      // Refused before the body is read: nothing in it could make the caller any less anonymous.
      screening = engine.screen(policy, caller, geo, null, at);
    } else if (target.route() == null) {
      screening =
          settings.unmatched() == GeofenceSettings.Unmatched.HIGHEST
              ? engine.screenHighest(policy, caller, geo, at)
              : engine.screen(policy, caller, geo, null, at);
    } else {
      Checked<Asked> read = reader.asked(request, target.route(), target.path());
      if (read.isRefused()) {
        return Exchange.refused(arrival, caller, geo, read.refusal(), Set.of());
      }
      asked = read.value();
      if (asked.entries() != null) {
        return decideBatch(request, arrival, caller, geo, asked);
      }
      screening =
          asked.highest()
              ? engine.screenHighest(policy, caller, geo, at)
              : engine.screen(
                  policy, caller, geo, asked.model() == null ? null : asked.model().value(), at);
    }
    // One branch for a rule without a limit or an alert: it costs nothing more.
    Exchange x =
        UsageGate.counts(screening.decision())
            ? limited(request, arrival, screening, asked)
            : act(request, arrival, screening, asked);
    // After the enforced decision and what it does, so the shadow can change neither.
    Screening shadow = engine.divergingShadow(screening, at);
    return shadow == null ? x : x.withShadow(shadow);
  }

  /**
   * What becomes of a decided request: refused, or passed on with the body it was read from, the
   * model rewritten where the policy substitutes, and the decision headers when configured.
   */
  private Exchange act(HttpServletRequest request, Arrival arrival, Screening s, Asked asked) {
    Decision d = s.decision();
    if (d.action() == Action.BLOCK) {
      return Exchange.blocked(arrival, s, blockRefusal(s));
    }
    ReplayingRequest.Builder rewritten = null;
    if (asked != null && asked.body() != null) {
      rewritten = ReplayingRequest.builder(request).body(asked.body());
    }
    String forwardTo = null;
    if (d.action() == Action.SUBSTITUTE) {
      rewritten = rewritten != null ? rewritten : ReplayingRequest.builder(request);
      // Replaces the body set above when the model was in it; a path model gives a path to
      // forward to.
      forwardTo =
          ModelRewriter.apply(
                  asked.model(),
                  d.effectiveModel().orElseThrow(),
                  Optional.ofNullable(asked.body()),
                  rewritten)
              .orElse(null);
    }
    rewritten = withoutForgedHeaders(request, rewritten);
    if (settings.decisionHeaders()) {
      rewritten = rewritten != null ? rewritten : ReplayingRequest.builder(request);
      DecisionHeaders.add(rewritten, s, arrival.requestId());
    }
    return Exchange.passed(arrival, s, rewritten == null ? request : rewritten.build(), forwardTo);
  }

  /**
   * The refusal of a request the policy blocked: made, and rendered for {@link #refuse}, once per
   * screening, for it depends on nothing else (the block status and policy URL are settings). A
   * repeat caller's screening is the same object until its policy, look-up or time window changes.
   */
  private Refusal blockRefusal(Screening s) {
    RefusalWriter.Rendered rendered = blocks == null ? null : blocks.get(s);
    if (rendered != null) {
      return rendered.refusal();
    }
    Refusal refusal = Refusal.of(s, settings.blockStatus(), settings.policyUrl());
    if (blocks != null) {
      blocks.put(s, refusals.rendered(refusal));
    }
    return refusal;
  }

  /**
   * A served request of a rule with a usage limit or a country alert: counted, then served as
   * decided, served as the rule's over-usage substitute, or refused with 429.
   */
  private Exchange limited(HttpServletRequest request, Arrival arrival, Screening s, Asked asked) {
    Verdict verdict = usage.check(arrival, s);
    if (verdict == null || verdict.allowed()) {
      return act(request, arrival, s, asked);
    }
    Refusal refusal = overUsageRefusal(s, verdict);
    if (verdict.counted() == Counted.UNCOUNTED_BLOCKED) {
      return Exchange.blocked(arrival, s, refusal);
    }
    Decision d = s.decision();
    if (d.monitoring().overUsage() == OverUsage.FLAG) {
      return act(request, arrival, s, asked); // the gate wrote the alert on the crossing
    }
    // block, or substitute when the tier has one; otherwise Policy#overUsage blocks.
    Screening over = rescreened(s, arrival.policy().overUsage(d));
    return over.action() == Action.BLOCK
        ? Exchange.blocked(arrival, over, refusal)
        : act(request, arrival, over, asked);
  }

  private static Screening rescreened(Screening s, Decision d) {
    return new Screening(s.caller(), s.geo(), s.origin(), d, s.policy(), s.at());
  }

  /**
   * The 429 of a request over its rule's limit ({@code usage_limit_exceeded}), or whose limit
   * cannot be checked while the store is unreachable in mode block ({@code usage_unverifiable}).
   */
  private static Refusal overUsageRefusal(Screening s, Verdict verdict) {
    Decision d = s.decision();
    UsageLimit limit = d.monitoring().usageLimit().orElseThrow();
    String sentence =
        limit.requests()
            + (limit.requests() == 1 ? " request per " : " requests per ")
            + UsageGate.window(limit.window())
            + " for rule "
            + d.ruleName();
    boolean unverifiable = verdict.counted() == Counted.UNCOUNTED_BLOCKED;
    Refusal.Builder refusal =
        Refusal.builder(429)
            .title("Too Many Requests")
            .detail(
                unverifiable
                    ? "The usage limit of "
                        + sentence
                        + " cannot be checked because the usage store is unreachable; retry after "
                        + verdict.retryAfterSeconds()
                        + (verdict.retryAfterSeconds() == 1 ? " second." : " seconds.")
                    : "Usage limit exceeded: "
                        + sentence
                        + "; retry after "
                        + verdict.retryAfterSeconds()
                        + (verdict.retryAfterSeconds() == 1 ? " second." : " seconds."))
            .policy(s.policy().id(), s.policy().version())
            .rule(d.ruleName())
            .reason(
                unverifiable
                    ? RefusalReason.USAGE_UNVERIFIABLE
                    : RefusalReason.USAGE_LIMIT_EXCEEDED)
            .retryAfter(verdict.retryAfterSeconds());
    if (s.origin().country() != null) {
      refusal.country(s.origin().country());
    }
    return refusal.build();
  }

  /**
   * A Message Batches request, decided entry by entry for the same caller as a single message with
   * that entry's model would be. An entry with an invalid model id refuses the batch with 400, else
   * an entry the policy blocks refuses it with the block status; the refusal names the refused
   * entries by {@code custom_id}. Otherwise the batch passes, each substituted entry's model
   * rewritten in place and every other byte kept.
   */
  private Exchange decideBatch(
      HttpServletRequest request,
      Arrival arrival,
      ClientAddress caller,
      GeoResult geo,
      Asked asked) {
    List<BatchEntry> entries = asked.entries();
    List<Screening> screenings = new ArrayList<>(entries.size());
    List<String> substitutes = new ArrayList<>(entries.size());
    Screening invalid = null;
    Screening blocked = null;
    Screening substituted = null;
    for (BatchEntry entry : entries) {
      Screening s =
          engine.screen(arrival.policy(), caller, geo, entry.model().value(), arrival.at());
      screenings.add(s);
      Decision d = s.decision();
      substitutes.add(d.action() == Action.SUBSTITUTE ? d.effectiveModel().orElseThrow() : null);
      if (d.action() == Action.BLOCK && d.reason() == Decision.Reason.MODEL_INVALID) {
        invalid = invalid == null ? s : invalid;
      } else if (d.action() == Action.BLOCK) {
        blocked = blocked == null ? s : blocked;
      } else if (d.action() == Action.SUBSTITUTE) {
        substituted = substituted == null ? s : substituted;
      }
    }
    int changed = (int) substitutes.stream().filter(Objects::nonNull).count();
    Exchange.Batch batch = new Exchange.Batch(entries, List.copyOf(screenings), changed);
    Screening refusing = invalid != null ? invalid : blocked;
    if (refusing != null) {
      Refusal refusal = Refusal.of(refusing, settings.blockStatus(), settings.policyUrl());
      return Exchange.blocked(
          arrival, refusing, refusal.withDetail(batchRefusal(batch, refusing, refusal)), batch);
    }
    Exchange overUsage = limitedBatch(arrival, batch);
    if (overUsage != null) {
      return overUsage;
    }
    ReplayingRequest.Builder forwarded =
        ReplayingRequest.builder(request)
            .body(
                changed == 0
                    ? asked.body()
                    : ModelRewriter.batch(asked.body(), entries, substitutes));
    forwarded = withoutForgedHeaders(request, forwarded);
    Screening standing = substituted != null ? substituted : screenings.get(0);
    if (settings.decisionHeaders()) {
      DecisionHeaders.add(forwarded, standing, arrival.requestId());
    }
    return Exchange.passed(arrival, standing, forwarded.build(), batch);
  }

  /**
   * Counts a served batch as one request against each limited rule its entries were decided by; a
   * batch over a limit whose over-usage is block or substitute (an entry of a batch is not
   * rewritten for usage) is refused with 429, as is one whose limit cannot be checked in mode
   * block. Null when the batch is served.
   */
  private Exchange limitedBatch(Arrival arrival, Exchange.Batch batch) {
    List<String> rules = null;
    for (Screening s : batch.screenings()) {
      Decision d = s.decision();
      if (!UsageGate.counts(d)) {
        continue;
      }
      rules = rules != null ? rules : new ArrayList<>(2);
      if (rules.contains(d.ruleName())) {
        continue;
      }
      rules.add(d.ruleName());
      Verdict verdict = usage.check(arrival, s);
      if (verdict == null || verdict.allowed()) {
        continue;
      }
      boolean unverifiable = verdict.counted() == Counted.UNCOUNTED_BLOCKED;
      if (unverifiable || d.monitoring().overUsage() != OverUsage.FLAG) {
        Screening refusing = unverifiable ? s : rescreened(s, arrival.policy().overUsageBlock(d));
        return Exchange.blocked(arrival, refusing, overUsageRefusal(s, verdict), batch);
      }
    }
    return null;
  }

  /**
   * The refusal sentence of a batch: the entries refused for the same reason as {@code refusing},
   * by {@code custom_id} (at most {@link #NAMED_ENTRIES}, then how many more), and why.
   */
  private static String batchRefusal(Exchange.Batch batch, Screening refusing, Refusal refusal) {
    boolean invalid = refusing.decision().reason() == Decision.Reason.MODEL_INVALID;
    List<String> named = new ArrayList<>();
    int count = 0;
    for (int i = 0; i < batch.entries().size(); i++) {
      Decision d = batch.screenings().get(i).decision();
      if (d.action() == Action.BLOCK && (d.reason() == Decision.Reason.MODEL_INVALID) == invalid) {
        if (count++ < NAMED_ENTRIES) {
          named.add("'" + Printable.of(batch.entries().get(i).customId(), 64) + "'");
        }
      }
    }
    return "The batch is refused because of "
        + (count == 1 ? "the entry" : count + " entries")
        + " with custom_id "
        + String.join(", ", named)
        + (count > named.size() ? " and " + (count - named.size()) + " more" : "")
        + ": "
        + refusal.detail();
  }

  /** Records the refusal, then answers: a WAIT overflow policy holds the answer for the record. */
  private void refuse(Exchange x, HttpServletResponse response) throws IOException {
    recorder.record(x, x.refusal().status());
    if (!x.allow().isEmpty() && !x.allow().contains("*")) {
      response.setHeader("Allow", String.join(", ", x.allow()));
    }
    // The memo's body only for the very refusal it renders: a usage 429 or a batch refusal of the
    // same screening is another object, and a block whose entry was replaced meanwhile renders
    // anew.
    RefusalWriter.Rendered rendered =
        blocks == null || x.screening() == null ? null : blocks.get(x.screening());
    if (rendered != null && rendered.refusal() == x.refusal()) {
      refusals.write(response, rendered);
    } else {
      refusals.write(response, x.refusal());
    }
  }

  /**
   * Hands the request to the application and records it when the application has answered: when it
   * returns, or, if it went asynchronous, when the container completes the answer. When the record
   * must be written before the caller has the whole answer, the response is held. Nothing here
   * buffers the answer: each write and flush of the application reaches the container as made, so
   * streamed events leave one by one.
   */
  private void pass(Exchange x, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest request = x.forwarded();
    Screening s = x.screening();
    request.setAttribute(Screening.ATTRIBUTE, s);
    request.setAttribute(Screening.REQUEST_ID_ATTRIBUTE, x.requestId());
    Decision d = s.decision();
    if (x.batch() != null) {
      if (x.batch().substituted() > 0) {
        // Says that the batch was changed; which entries and how is in the audit record.
        response.setHeader(
            GeofenceSettings.BATCH_SUBSTITUTED_HEADER, Integer.toString(x.batch().substituted()));
      }
    } else if (d.action() == Action.SUBSTITUTE) {
      response.setHeader(
          settings.requestedModelHeader(), Printable.headerValue(d.requestedModel().orElse("")));
      response.setHeader(
          settings.servedModelHeader(), Printable.headerValue(d.effectiveModel().orElse("")));
    }
    boolean holds = recorder.holds(x);
    HttpServletResponse held = holds ? new HeldResponse(response) : response;
    // Stays 500 if the application throws: the container answers 500, and the decision is still
    // on record.
    int status = 500;
    boolean answered = false;
    try {
      if (x.forwardTo() != null) {
        request.getRequestDispatcher(x.forwardTo()).forward(request, held);
      } else {
        chain.doFilter(request, held);
      }
      status = held.getStatus();
      answered = true;
    } finally {
      // Also when the application threw after startAsync: the container then ends the
      // asynchronous cycle with an error, and onComplete has the status it answered.
      if (!request.isAsyncStarted() || !recordAtCompletion(x, request, response)) {
        AuditSink.Delivery delivery = recorder.record(x, status);
        if (holds && answered && delivery.failed()) {
          withhold(x, response);
        }
      }
    }
  }

  /**
   * The answer to a held request whose record could not be written: the application's answer is
   * replaced by 503 {@code audit_unavailable} while nothing of it has reached the caller; once part
   * of it has (the application flushed), the response is aborted so that the caller never has a
   * complete answer the trail does not know of. The record, if the sink still writes it later,
   * shows the decision and the application's status.
   */
  private void withhold(Exchange x, HttpServletResponse response) throws IOException {
    if (response.isCommitted()) {
      throw new IOException(
          "The audit record of request "
              + x.requestId()
              + " could not be written and part of the answer was already sent: aborting it");
    }
    response.reset();
    refusals.write(
        response,
        Refusal.of(
            RefusalReason.AUDIT_UNAVAILABLE,
            "The request was decided, but its audit record could not be written in time, so the"
                + " answer is withheld. Try again later."));
  }

  /** Registers the record for when the asynchronous answer completes; false if it cannot be. */
  private boolean recordAtCompletion(
      Exchange x, HttpServletRequest request, HttpServletResponse response) {
    try {
      request.getAsyncContext().addListener(new AsyncCompletion(recorder, x, response));
      return true;
    } catch (IllegalStateException e) {
      // The cycle ended between the two calls: the answer is complete, so record it now.
      return false;
    }
  }

  /**
   * Removes caller-sent {@code X-Geofence-*} headers, before the filter adds its own: returns a
   * builder holding {@code builder}'s changes (may be null) and the removals, or {@code builder}
   * itself when the caller sent none.
   */
  private static ReplayingRequest.Builder withoutForgedHeaders(
      HttpServletRequest request, ReplayingRequest.Builder builder) {
    Enumeration<String> names = request.getHeaderNames();
    while (names != null && names.hasMoreElements()) {
      String name = names.nextElement();
      if (DecisionHeaders.isDecisionHeader(name)) {
        builder = builder != null ? builder : ReplayingRequest.builder(request);
        builder.removeHeader(name);
      }
    }
    return builder;
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
    return requestIds.next();
  }

  private boolean fromTrustedProxy(HttpServletRequest request) {
    return engine.resolver().trusts(request.getRemoteAddr());
  }

  @Override
  public void close() {
    try {
      usage.close();
    } finally {
      try {
        recorder.close();
      } finally {
        engine.close();
      }
    }
  }
}
