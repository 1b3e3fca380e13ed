package dev.geofence.benchmarks;

import dev.geofence.filter.address.ClientAddress;
import dev.geofence.filter.address.ClientAddressResolver;
import dev.geofence.filter.address.ProxyHeader;
import dev.geofence.filter.address.TrustedProxies;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Telling the caller's address: from the TCP peer alone, and from {@code X-Forwarded-For} and
 * {@code Forwarded} headers of three hops, two of them trusted proxies.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ClientAddressBenchmark {

  private static final String PROXY = "10.0.0.1";
  private static final TrustedProxies TRUSTED = TrustedProxies.parse("10.0.0.0/8");

  private final ClientAddressResolver peerOnly = ClientAddressResolver.builder().build();
  private final ClientAddressResolver xForwardedFor =
      ClientAddressResolver.builder().trustedProxies(TRUSTED).build();
  private final ClientAddressResolver forwarded =
      ClientAddressResolver.builder().trustedProxies(TRUSTED).header(ProxyHeader.FORWARDED).build();

  // Three hops: the caller, then two proxies of ours; the peer is a third.
  private final List<String> xffLines = List.of("198.51.100.23, 10.1.2.3, 10.4.5.6");
  private final List<String> forwardedLines =
      List.of(
          "for=198.51.100.23;proto=https, for=10.1.2.3;proto=https, for=\"10.4.5.6:8443\";by=10.0.0.1");

  @Benchmark
  public ClientAddress peerOnly() {
    return peerOnly.resolve("198.51.100.23", List.of());
  }

  @Benchmark
  public ClientAddress xForwardedForThreeHops() {
    return xForwardedFor.resolve(PROXY, xffLines);
  }

  @Benchmark
  public ClientAddress forwardedThreeHops() {
    return forwarded.resolve(PROXY, forwardedLines);
  }
}
