package dev.geofence.benchmarks;

import dev.geofence.filter.Geofence;
import dev.geofence.filter.GeofenceSettings;
import dev.geofence.filter.Screening;
import dev.geofence.filter.address.ClientAddress;
import dev.geofence.filter.address.TrustedProxies;
import dev.geofence.filter.internal.Engine;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
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
 * The decision without the body, as the filter makes it ({@link Geofence#screen}): the caller's
 * address (from a three-hop {@code X-Forwarded-For}, or the TCP peer), the country look-up and the
 * example policy for the model, for 1,024 callers that cycle, every one already seen: the cache-hit
 * path, which must allocate nothing. The header lines and the instant are made once, as a servlet
 * container hands them to the filter.
 *
 * <p>{@code xForwardedForWithShadow} adds what the filter does with a shadow policy configured: the
 * same caller decided by the shadow too (here the example policy under another version, so both
 * outcomes agree, as they do for most traffic), compared and counted. That too must allocate
 * nothing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@State(Scope.Benchmark)
public class DecisionBenchmark {

  private static final int CALLERS = 1 << 10;
  private static final String PROXY = "10.0.0.1";

  @Param("500000")
  public int networks;

  private Geofence viaProxy;
  private Geofence peerOnly;
  private Engine shadowed;
  private Path work;
  private String[] peers;
  private List<String>[] forwardedFor;
  private final List<String> noHeader = List.of();
  private Instant at;
  private int next;

  @Setup(Level.Trial)
  @SuppressWarnings("unchecked")
  public void open() throws IOException {
    CountryData data = CountryData.of(networks);
    work = Files.createTempDirectory(data.database.getParent(), "decision-");
    Path policy = PolicyBenchmark.writeExamplePolicy(work);
    viaProxy =
        Geofence.create(
            settings(policy, data.database)
                .trustedProxies(TrustedProxies.parse("10.0.0.0/8"))
                .build());
    peerOnly = Geofence.create(settings(policy, data.database).build());
    Path shadow =
        Files.writeString(
            work.resolve("shadow.yaml"),
            Files.readString(policy).replace("version: 2026-11-28.1", "version: shadow"));
    shadowed =
        Engine.start(
            settings(policy, data.database)
                .trustedProxies(TrustedProxies.parse("10.0.0.0/8"))
                .shadowPolicyFile(shadow)
                .build());
    InetAddress[] callers = data.addresses(CALLERS);
    peers = new String[callers.length];
    forwardedFor = new List[callers.length];
    at = Instant.now();
    for (int i = 0; i < callers.length; i++) {
      peers[i] = callers[i].getHostAddress();
      forwardedFor[i] = List.of(peers[i] + ", 10.1.2.3, 10.4.5.6");
      viaProxy.screen(PROXY, forwardedFor[i], PolicyBenchmark.OPUS, at);
      peerOnly.screen(peers[i], noHeader, PolicyBenchmark.OPUS, at);
      screenWithShadow(i);
    }
  }

  private static GeofenceSettings.Builder settings(Path policy, Path database) {
    return GeofenceSettings.builder().policyFile(policy).geoipDatabase(database).noDatabaseMaxAge();
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    viaProxy.close();
    peerOnly.close();
    shadowed.close();
    Files.deleteIfExists(work.resolve("policy.yaml"));
    Files.deleteIfExists(work.resolve("shadow.yaml"));
    Files.deleteIfExists(work);
  }

  @Benchmark
  public Screening xForwardedFor() {
    int i = next++ & (peers.length - 1);
    return viaProxy.screen(PROXY, forwardedFor[i], PolicyBenchmark.OPUS, at);
  }

  @Benchmark
  public Screening peerOnly() {
    int i = next++ & (peers.length - 1);
    return peerOnly.screen(peers[i], noHeader, PolicyBenchmark.OPUS, at);
  }

  @Benchmark
  public Screening xForwardedForWithShadow() {
    return screenWithShadow(next++ & (peers.length - 1));
  }

  /** As the request path decides with a shadow policy: the screening, then the shadow's. */
  private Screening screenWithShadow(int i) {
    ClientAddress caller = shadowed.resolver().resolve(PROXY, forwardedFor[i]);
    Screening s =
        shadowed.screen(
            shadowed.policy(), caller, shadowed.locate(caller), PolicyBenchmark.OPUS, at);
    Screening diverging = shadowed.divergingShadow(s, at);
    return diverging == null ? s : diverging;
  }
}
