package dev.geofence.benchmarks;

import dev.geofence.filter.audit.AuditAction;
import dev.geofence.filter.audit.AuditRecord;
import dev.geofence.filter.audit.AuditSink;
import dev.geofence.filter.audit.Durability;
import dev.geofence.filter.audit.FileAuditSink;
import dev.geofence.filter.audit.IpPrivacy;
import dev.geofence.filter.audit.Slf4jAuditSink;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One audit record handed to a sink by two request threads at once, through the public API only, so
 * the same class measures any version of the sinks side by side. {@code queued}: an allowed
 * request's record, which nobody waits for (the call returns once the record is accepted; the
 * writer's CPU is counted as far as it competes for the two threads). {@code waited}: a refusal's
 * record, the caller held until it is written (1 s durability: handed to the OS) or forced ({@code
 * each-record}). {@code slf4j}: the SLF4J sink with {@code geofence.audit} below INFO in this
 * module, i.e. the encoding and the sink's own work. Average time per record and allocation per
 * record ({@code -prof gc}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Threads(2)
@State(Scope.Benchmark)
public class AuditSinkBenchmark {

  @Param({"1s", "each-record"})
  public String durability;

  private Path directory;
  private FileAuditSink file;
  private Slf4jAuditSink slf4j;
  private AuditRecord allowed;
  private AuditRecord blocked;

  @Setup(Level.Trial)
  public void start() throws IOException {
    directory = Files.createTempDirectory("geofence-audit-bench");
    file =
        FileAuditSink.builder(directory)
            .durability(Durability.parse(durability))
            .queueCapacity(1 << 20)
            .build();
    slf4j = Slf4jAuditSink.create();
    allowed = record(AuditAction.ALLOW, "allowed by rule world for US");
    blocked = record(AuditAction.BLOCK, "blocked by rule embargo (country): CU");
  }

  @TearDown(Level.Trial)
  public void stop() throws IOException {
    file.close();
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public AuditSink.Delivery queued() {
    return file.write(allowed, IpPrivacy.full(), Duration.ZERO);
  }

  @Benchmark
  public AuditSink.Delivery waited() {
    return file.write(blocked, IpPrivacy.full(), Duration.ofSeconds(10));
  }

  @Benchmark
  public AuditSink.Delivery slf4j() {
    return slf4j.write(allowed, IpPrivacy.full(), Duration.ZERO);
  }

  private static AuditRecord record(AuditAction action, String reason) throws IOException {
    return AuditRecord.builder()
        .timestamp(Instant.parse("2026-12-01T09:00:00.123Z"))
        .action(action)
        .reason(reason)
        .ruleName("world")
        .country("US")
        .sourceIp(InetAddress.getByName("198.51.100.9"))
        .peerAddress(InetAddress.getByName("10.0.0.1"))
        .addressSource("x-forwarded-for")
        .httpMethod("POST")
        .urlPath("/v1/messages")
        .statusCode(action == AuditAction.ALLOW ? 200 : 451)
        .requestId("0f8fad5b-d9cb-469f-a165-70867728950e")
        .requestedModel("claude-opus-4-1")
        .requestedTier("frontier")
        .policyId("example")
        .policyVersion("2026-11-28")
        .policySha256("a".repeat(64))
        .decisionMicros(7)
        .build();
  }
}
