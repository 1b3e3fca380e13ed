package dev.geofence.benchmarks;

import dev.geofence.filter.address.ClientAddress;
import dev.geofence.filter.address.ClientAddressResolver;
import dev.geofence.filter.address.TrustedProxies;
import dev.geofence.filter.geo.GeoDatabase;
import dev.geofence.filter.geo.GeoResult;
import dev.geofence.policy.Decision;
import dev.geofence.policy.Origin;
import dev.geofence.policy.Policy;
import java.io.IOException;
import java.net.InetAddress;
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
 * The decision without the body: the caller's address from a three-hop {@code X-Forwarded-For}, a
 * cached country lookup, and the policy for the model, for 1,024 callers that cycle (all cached).
 * {@code peerOnly} is the same with the TCP peer as the caller and no header.
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

  private final ClientAddressResolver viaProxy =
      ClientAddressResolver.builder().trustedProxies(TrustedProxies.parse("10.0.0.0/8")).build();
  private final ClientAddressResolver peerOnly = ClientAddressResolver.builder().build();
  private final Policy policy = PolicyBenchmark.examplePolicy();
  private GeoDatabase geo;
  private String[] peers;
  private List<String>[] forwardedFor;
  private int next;

  @Setup(Level.Trial)
  @SuppressWarnings("unchecked")
  public void open() throws IOException {
    CountryData data = CountryData.of(networks);
    InetAddress[] callers = data.addresses(CALLERS);
    geo = GeoDatabase.builder().database(data.database).noMaxAge().build();
    peers = new String[callers.length];
    forwardedFor = new List[callers.length];
    for (int i = 0; i < callers.length; i++) {
      peers[i] = callers[i].getHostAddress();
      forwardedFor[i] = List.of(peers[i] + ", 10.1.2.3, 10.4.5.6");
      geo.lookup(callers[i]);
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    geo.close();
  }

  @Benchmark
  public Decision xForwardedFor() {
    int i = next++ & (peers.length - 1);
    return decide(viaProxy.resolve(PROXY, forwardedFor[i]));
  }

  @Benchmark
  public Decision peerOnly() {
    int i = next++ & (peers.length - 1);
    return decide(peerOnly.resolve(peers[i], List.of()));
  }

  private Decision decide(ClientAddress caller) {
    Origin origin = caller.address().map(geo::lookup).map(DecisionBenchmark::origin).orElse(Origin.unknown());
    return policy.evaluate(origin, PolicyBenchmark.OPUS, Instant.now());
  }

  static Origin origin(GeoResult result) {
    if (!result.found()) {
      return Origin.unknown();
    }
    return new Origin(result.country().orElse(null), result.registeredCountry().orElse(null),
        result.representedCountry().orElse(null), result.subdivisions(), !result.anonymizer().isEmpty());
  }
}
