package dev.geofence.benchmarks;

import dev.geofence.policy.Decision;
import dev.geofence.policy.Origin;
import dev.geofence.policy.Policy;
import dev.geofence.policy.PolicyException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
 * Policy evaluation with {@code examples/policy.yaml}: an allowed, a substituted and a blocked
 * request, and a rotating mix of 16 callers and models (allies, EU, embargoed, sanctioned
 * subdivision, rest of the world, unknown, anonymous).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class PolicyBenchmark {

  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  static final String OPUS = "claude-opus-4-1";

  private final Policy policy = examplePolicy();
  private final Origin us = Origin.country("US");
  private final Origin brazil = Origin.country("BR");
  private final Origin china = Origin.country("CN");
  private final Origin[] origins = {
    Origin.country("US"), Origin.country("DE"), Origin.country("CN"), Origin.subdivision("UA-43"),
    Origin.country("BR"), Origin.unknown(), Origin.country("JP").withAnonymous(true),
        Origin.country("FR"),
    Origin.country("IN"), Origin.country("GB").withRegisteredCountry("US"), Origin.country("RU"),
        Origin.country("AE"),
    Origin.country("KR"), Origin.country("ZA"), Origin.country("NL"), Origin.country("MX"),
  };
  private final String[] models = {
    "claude-opus-4-1", "claude-sonnet-4-5", "claude-haiku-4-5", "some-other-model"
  };
  private int next;

  /** The example policy shipped in {@code examples/policy.yaml}. */
  static Policy examplePolicy() {
    try {
      return Policy.parse(
          new String(examplePolicyBytes(), StandardCharsets.UTF_8), "examples/policy.yaml");
    } catch (PolicyException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** Writes the example policy into {@code directory} for components that load a file. */
  static Path writeExamplePolicy(Path directory) throws IOException {
    return Files.write(directory.resolve("policy.yaml"), examplePolicyBytes());
  }

  /** The example policy's bytes, copied onto the classpath by the build. */
  private static byte[] examplePolicyBytes() {
    try (InputStream in = PolicyBenchmark.class.getResourceAsStream("policy.yaml")) {
      if (in == null) {
        throw new IllegalStateException(
            "policy.yaml is not on the classpath; build the benchmarks module with Maven.");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Benchmark
  public Decision allowed() {
    return policy.evaluate(us, OPUS, NOW);
  }

  @Benchmark
  public Decision substituted() {
    return policy.evaluate(brazil, OPUS, NOW);
  }

  @Benchmark
  public Decision blocked() {
    return policy.evaluate(china, OPUS, NOW);
  }

  @Benchmark
  public Decision mix() {
    int i = next++;
    return policy.evaluate(origins[i & 15], models[(i >>> 4) & 3], NOW);
  }

  List<Decision> decisionsForTest() {
    return List.of(allowed(), substituted(), blocked());
  }
}
