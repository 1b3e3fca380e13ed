package dev.geofence.benchmarks;

import dev.geofence.filter.GeofenceFilter;
import dev.geofence.filter.GeofenceSettings;
import dev.geofence.filter.GeofenceStatus;
import dev.geofence.filter.address.TrustedProxies;
import dev.geofence.filter.audit.AuditLog;
import dev.geofence.filter.audit.AuditRecord;
import dev.geofence.filter.audit.AuditScope;
import dev.geofence.filter.audit.AuditSink;
import dev.geofence.filter.audit.AuditStats;
import dev.geofence.filter.audit.IpPrivacy;
import dev.geofence.filter.geo.GeoDatabase;
import dev.geofence.filter.geo.GeoResult;
import dev.geofence.filter.internal.usage.RedisServer;
import dev.geofence.policy.Action;
import dev.geofence.policy.Policy;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole {@link GeofenceFilter#doFilter} for {@code POST /v1/messages} behind a trusted proxy
 * (three-hop {@code X-Forwarded-For}), with a chain that does nothing: path, route, body capture,
 * model, address, cached lookup, policy, rewrite or refusal, and the audit record. The request and
 * response are in memory ({@link MemoryRequest}, {@link MemoryResponse}), so no container cost is
 * counted except allocating the request object. Callers cycle over 1,024 cached addresses (per
 * outcome) whose country the policy allows, substitutes or blocks. {@code audit=all} writes every
 * request to the chained file sink (the default scope), {@code audit=notable} only blocks and
 * substitutions; {@code audit=memory} (only when given with {@code -p audit=memory}) hands every
 * record to a sink that keeps the last one in memory: what building the record costs the request,
 * without the encoding and the disk that dominate and scatter the other two. {@code limit} ({@code
 * none} unless given with {@code -p limit=none,local,redis}) puts a usage limit on the rule that
 * allows ({@code allies}), high enough never to be reached, counted per caller in the process or in
 * a real redis-server on loopback that the setup starts: what a limited rule adds to {@link
 * #allowed}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@State(Scope.Benchmark)
public class FilterBenchmark {

  private static final String PROXY = "10.0.0.1";
  private static final FilterChain NO_OP = (request, response) -> {};

  @Param("500000")
  public int networks;

  @Param({"1KB", "64KB", "4MB"})
  public String body;

  @Param({"all", "notable"})
  public String audit;

  @Param("none")
  public String limit = "none";

  private RedisServer redis;

  private GeofenceFilter filter;
  private byte[] bytes;
  private Path work;
  private final Map<Action, List<Map<String, List<String>>>> headers = new EnumMap<>(Action.class);
  private int next;

  @Setup(Level.Trial)
  public void start() throws IOException, ServletException {
    CountryData data = CountryData.of(networks);
    work = Files.createTempDirectory(data.database.getParent(), "filter-");
    Path policyFile = PolicyBenchmark.writeExamplePolicy(work);
    sortCallers(data, PolicyBenchmark.examplePolicy());
    bytes = RequestBodies.messages(RequestBodies.bytes(body), true, PolicyBenchmark.OPUS);
    GeofenceSettings.Builder settings =
        GeofenceSettings.builder()
            .geoipDatabase(data.database)
            .noDatabaseMaxAge()
            .trustedProxies(TrustedProxies.parse("10.0.0.0/8"));
    switch (audit) {
      case "all", "notable" ->
          settings
              .auditDirectory(work.resolve("audit"))
              .auditScope(audit.equals("all") ? AuditScope.ALL : AuditScope.NOTABLE);
      case "memory" -> settings.auditLog(AuditLog.builder().sink(new LastRecordSink()).build());
      default -> throw new IllegalArgumentException("audit is all, notable or memory: " + audit);
    }
    switch (limit) {
      case "none" -> settings.policyFile(policyFile);
      case "local" -> settings.policyFile(limited(policyFile));
      case "redis" -> {
        redis = RedisServer.start();
        settings
            .policyFile(limited(policyFile))
            .usageStore(redis.uri())
            .usageStoreTimeout(Duration.ofSeconds(1));
      }
      default -> throw new IllegalArgumentException("limit is none, local or redis: " + limit);
    }
    filter = new GeofenceFilter(settings.build());
    filter.init(new Config());
    // Warm the filter's cache with every caller, as a running server would have.
    for (Action action : Action.values()) {
      for (int i = 0; i < headers.get(action).size(); i++) {
        call(action, i);
      }
    }
  }

  /** Sorts sample callers by what the example policy does with them for the requested model. */
  private void sortCallers(CountryData data, Policy policy) {
    // 1,024 per action; fewer on the small databases of the smoke test, where setup dominates.
    int perAction = Math.min(1 << 10, Integer.highestOneBit(Math.max(1, networks / 32)));
    for (Action action : Action.values()) {
      headers.put(action, new ArrayList<>());
    }
    try (GeoDatabase geo =
        GeoDatabase.builder().database(data.database).noMaxAge().cacheSize(0).build()) {
      for (InetAddress caller : data.addresses(perAction * 64)) {
        GeoResult result = geo.lookup(caller);
        Action action =
            policy.evaluate(result.origin(), PolicyBenchmark.OPUS, Instant.now()).action();
        List<Map<String, List<String>>> list = headers.get(action);
        if (list.size() < perAction) {
          list.add(
              MemoryRequest.headers(
                  Map.of(
                      "Content-Type", List.of("application/json"),
                      "X-Forwarded-For",
                          List.of(caller.getHostAddress() + ", 10.1.2.3, 10.4.5.6"))));
        }
      }
    }
    for (Action action : Action.values()) {
      List<Map<String, List<String>>> list = headers.get(action);
      if (list.isEmpty()) {
        throw new IllegalStateException(
            "No sample caller is " + action + "ed by the example policy.");
      }
      // A power of two, so that the benchmark cycles with a mask.
      headers.put(action, List.copyOf(list.subList(0, Integer.highestOneBit(list.size()))));
    }
  }

  /**
   * The example policy with a usage limit on the rule that serves {@link #allowed} ({@code
   * allies}), never reached, and without the full audit a monitor rule asks for by default: what is
   * left is the limit's own cost.
   */
  private static Path limited(Path policyFile) throws IOException {
    String allies = "    allow: frontier                # highest tier allowed\n";
    String policy = Files.readString(policyFile);
    if (!policy.contains(allies)) {
      throw new IllegalStateException("the example policy no longer has '" + allies.strip() + "'");
    }
    return Files.writeString(
        policyFile.resolveSibling("policy-limited.yaml"),
        policy.replace(
            allies,
            allies
                + "    monitor:\n"
                + "      usage-limit: 1000000000/1d\n"
                + "      over-usage: block\n"
                + "      audit: false\n"));
  }

  @TearDown(Level.Trial)
  public void stop() throws IOException {
    GeofenceStatus status = filter.status();
    filter.destroy();
    if (redis != null) {
      redis.close();
    }
    if (status.usage().isPresent()
        && (status.usage().get().fallbackAnswers() > 0 || status.usage().get().limited() > 0)) {
      throw new IllegalStateException("the usage store fell back or limited: " + status.usage());
    }
    try (var files = Files.walk(work)) {
      files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public MemoryResponse allowed() throws IOException, ServletException {
    return call(Action.ALLOW, next++);
  }

  @Benchmark
  public MemoryResponse substituted() throws IOException, ServletException {
    return call(Action.SUBSTITUTE, next++);
  }

  @Benchmark
  public MemoryResponse blocked() throws IOException, ServletException {
    return call(Action.BLOCK, next++);
  }

  private MemoryResponse call(Action action, int i) throws IOException, ServletException {
    List<Map<String, List<String>>> callers = headers.get(action);
    MemoryResponse response = new MemoryResponse();
    filter.doFilter(
        new MemoryRequest(
            "POST", "/v1/messages", PROXY, callers.get(i & (callers.size() - 1)), bytes),
        response,
        NO_OP);
    return response;
  }

  /** For tests: the request the application sees (null when refused) and the response. */
  record Exchange(ServletRequest forwarded, MemoryResponse response) {}

  Exchange exchangeForTest(Action action) throws IOException, ServletException {
    ServletRequest[] seen = new ServletRequest[1];
    MemoryResponse response = new MemoryResponse();
    filter.doFilter(
        new MemoryRequest("POST", "/v1/messages", PROXY, headers.get(action).get(0), bytes),
        response,
        (request, r) -> seen[0] = request);
    return new Exchange(seen[0], response);
  }

  /** Keeps the last record, so that building it cannot be optimised away, and writes nothing. */
  private static final class LastRecordSink implements AuditSink {
    private AuditRecord last;
    private long written;

    @Override
    public Delivery write(AuditRecord record, IpPrivacy privacy, Duration wait) {
      last = record;
      written++;
      return Delivery.WRITTEN;
    }

    @Override
    public AuditStats stats() {
      return new AuditStats(written, 0, 0, Optional.empty());
    }

    @Override
    public void close() {
      last = null;
    }
  }

  /** A filter configuration with no init-params: the settings are given to the constructor. */
  private static final class Config implements FilterConfig {
    @Override
    public String getFilterName() {
      return "geofence";
    }

    @Override
    public ServletContext getServletContext() {
      return null;
    }

    @Override
    public String getInitParameter(String name) {
      return null;
    }

    @Override
    public Enumeration<String> getInitParameterNames() {
      return Collections.emptyEnumeration();
    }
  }
}
