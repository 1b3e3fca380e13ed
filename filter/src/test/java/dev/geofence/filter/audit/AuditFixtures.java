package dev.geofence.filter.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

/** Records, clocks and outputs shared by the audit tests. */
final class AuditFixtures {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant T0 = Instant.parse("2026-11-28T20:00:00.123Z");

  private AuditFixtures() {}

  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal); // literals only: never resolves a name
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  /** The schema shipped in the jar, loaded from the class path as users would. */
  private static final class Schema {
    static final JsonSchema SHIPPED = load();

    private static JsonSchema load() {
      try (InputStream in = AuditRecord.class.getResourceAsStream("audit-record.schema.json")) {
        if (in == null) {
          throw new IllegalStateException(
              "audit-record.schema.json is not on the class path beside AuditRecord");
        }
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  static Set<ValidationMessage> schemaViolations(String line) {
    return Schema.SHIPPED.validate(parse(line));
  }

  /** A block with every field set. */
  static AuditRecord full() {
    return AuditRecord.builder()
        .timestamp(T0)
        .action(AuditAction.BLOCK)
        .reason("country is sanctioned")
        .ruleName("sanctioned")
        .sourceIp(ip("203.0.113.77"))
        .country("IR")
        .regionIsoCode("IR-23")
        .httpMethod("POST")
        .urlPath("/v1/chat/completions")
        .statusCode(451)
        .policyId("prod")
        .policyVersion("7")
        .policySha256("a".repeat(64))
        .basis("EU Regulation 267/2012")
        .databaseType("GeoIP2-Country")
        .databaseBuildTime(Instant.parse("2026-11-25T00:00:00Z"))
        .databaseSha256("b".repeat(64))
        .requestedModel("gpt-large")
        .requestedTier("frontier")
        .effectiveModel("gpt-large")
        .effectiveTier("frontier")
        .registeredCountry("DE")
        .anonymizerFlags(Set.of("vpn", "hosting_provider"))
        .addressSource("x-forwarded-for")
        .peerAddress(ip("10.1.2.3"))
        .requestId("req-42")
        .decisionMicros(37)
        .monitor(false)
        .build();
  }

  static AuditRecord simple(String action, String requestId) {
    return AuditRecord.builder()
        .timestamp(T0)
        .action(AuditAction.fromLabel(action).orElseThrow())
        .ruleName("r")
        .country("DE")
        .sourceIp(ip("198.51.100.9"))
        .httpMethod("GET")
        .urlPath("/v1/models")
        .statusCode(200)
        .requestId(requestId)
        .build();
  }

  static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A clock the test moves by hand, so rotation by time needs no sleeping. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** A real file's output that a test overrides in part: everything else goes to the file. */
  static class ForwardingOutput implements AuditOutput {
    final AuditOutput real;

    ForwardingOutput(Path file) throws IOException {
      this.real = AuditOutput.openFile(file);
    }

    @Override
    public void write(ByteBuffer bytes) throws IOException {
      real.write(bytes);
    }

    @Override
    public void force() throws IOException {
      real.force();
    }

    @Override
    public void truncate(long size) throws IOException {
      real.truncate(size);
    }

    @Override
    public void close() throws IOException {
      real.close();
    }
  }

  /**
   * Opens real files but fails every write and force while {@link #failing} is set, as a full or
   * unwritable disk does; optionally writes part of the bytes before failing.
   */
  static final class FailingOpener implements AuditOutput.Opener {
    volatile boolean failing;
    volatile boolean partialWrites;
    volatile int failures;

    @Override
    public AuditOutput open(Path file) throws IOException {
      return new ForwardingOutput(file) {
        @Override
        public void write(ByteBuffer bytes) throws IOException {
          if (failing) {
            if (partialWrites && bytes.remaining() > 1) {
              ByteBuffer half = bytes.duplicate();
              half.limit(half.position() + bytes.remaining() / 2);
              real.write(half);
            }
            failures++;
            throw new IOException("No space left on device");
          }
          real.write(bytes);
        }

        @Override
        public void force() throws IOException {
          if (failing) {
            failures++;
            throw new IOException("No space left on device");
          }
          real.force();
        }
      };
    }
  }
}
