package dev.geofence.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.internal.usage.RedisServer;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark for one very short iteration in this JVM, on a small database, so that none
 * can rot unnoticed. Measures nothing.
 */
class BenchmarksSmokeTest {

  static final List<Class<?>> BENCHMARKS =
      List.of(
          ClientAddressBenchmark.class,
          CountryLookupBenchmark.class,
          PolicyBenchmark.class,
          DecisionBenchmark.class,
          ModelBodyBenchmark.class,
          FilterBenchmark.class,
          AuditSinkBenchmark.class,
          UsageStoreBenchmark.class);

  @TempDir static Path data;

  @BeforeAll
  static void smallDatabases() {
    System.setProperty(CountryData.DIRECTORY_PROPERTY, data.toString());
  }

  @AfterAll
  static void restore() {
    System.clearProperty(CountryData.DIRECTORY_PROPERTY);
  }

  @Test
  void everyBenchmarkRunsOneIteration() throws RunnerException {
    Options options =
        new OptionsBuilder()
            .include(BenchmarksSmokeTest.class.getPackageName() + "\\..*")
            .forks(0)
            .warmupIterations(0)
            .measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(50))
            .param("networks", "2000")
            // The Redis case where redis-server is installed (.ci/run installs it), as the
            // usage-store tests do.
            .param(
                "store",
                RedisServer.installed() ? new String[] {"local", "redis"} : new String[] {"local"})
            .shouldFailOnError(true)
            .build();

    Collection<RunResult> results = new Runner(options).run();

    Set<String> ran =
        results.stream().map(r -> r.getParams().getBenchmark()).collect(Collectors.toSet());
    assertThat(ran).containsExactlyInAnyOrderElementsOf(benchmarkMethods());
    assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
  }

  static Set<String> benchmarkMethods() {
    return BENCHMARKS.stream()
        .flatMap(
            c ->
                Arrays.stream(c.getDeclaredMethods())
                    .filter(m -> m.isAnnotationPresent(Benchmark.class))
                    .map(Method::getName)
                    .map(name -> c.getName() + "." + name))
        .collect(Collectors.toSet());
  }
}
