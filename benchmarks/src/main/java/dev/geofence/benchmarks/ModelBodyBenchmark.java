package dev.geofence.benchmarks;

import dev.geofence.filter.internal.body.CapturedBody;
import dev.geofence.filter.internal.model.FoundModel;
import dev.geofence.filter.internal.model.JsonModelReader;
import dev.geofence.filter.internal.model.ModelLocation;
import dev.geofence.filter.internal.model.ModelRewriter;
import dev.geofence.filter.internal.response.Checked;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading the model from a JSON request body, and rewriting it for a substitution, for bodies of 1
 * KB (a chat message), 64 KB and 4 MB (a base64 image), with the model field first or last. The
 * whole body is always parsed (a duplicate model must be refused), so the cost should be linear in
 * the size: MB/s is {@code size / score}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ModelBodyBenchmark {

  static final String MODEL = "claude-opus-4-1";
  static final String SUBSTITUTE = "claude-sonnet-4";

  @Param({"1KB", "64KB", "4MB"})
  public String size;

  @Param({"first", "last"})
  public String position;

  private final JsonModelReader reader = JsonModelReader.defaults();
  private byte[] body;
  private CapturedBody captured;
  private ModelLocation.Body location;

  @Setup(Level.Trial)
  public void build() {
    body = RequestBodies.messages(RequestBodies.bytes(size), position.equals("first"), MODEL);
    captured = CapturedBody.of(body);
    Checked<Optional<FoundModel>> found = reader.read(body, body.length, "model");
    if (found.isRefused() || found.value().isEmpty()) {
      throw new IllegalStateException("The benchmark body has no readable model: " + found);
    }
    location = (ModelLocation.Body) found.value().get().location();
  }

  @Benchmark
  public Checked<Optional<FoundModel>> extract() {
    return reader.read(body, body.length, "model");
  }

  @Benchmark
  public CapturedBody substitute() {
    return ModelRewriter.body(captured, location, SUBSTITUTE);
  }

  /** For tests: the body and where its model is. */
  byte[] bodyForTest() {
    return body;
  }
}
