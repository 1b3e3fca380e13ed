package dev.geofence.filter.audit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.geofence.filter.internal.Printable;
import dev.geofence.policy.ModelIds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Writes audit lines with Jackson's streaming generator (no data binding on the hot path). Field
 * names follow the Elastic Common Schema; what ECS has no field for sits under {@code geofence}.
 * Static methods are thread-safe; an instance reuses its buffer and belongs to one thread.
 */
final class AuditEncoder {

  static final String ECS_VERSION = "8.11.0";
  static final String RECORDS_LOST = "records_lost";
  static final String CHAIN_RESTART = "chain_restart";

  // Bounds keep one hostile request from producing a megabyte line.
  static final int MAX_PATH = 2048;
  static final int MAX_REASON = 1024;
  static final int MAX_TEXT = 256;
  // Every model id the filter accepts fits, so an accepted id is always recorded in full.
  static final int MAX_MODEL = ModelIds.MAX_LENGTH;

  // No separator between root values: one generator writes line after line into the reset buffer.
  private static final JsonFactory JSON =
      new JsonFactoryBuilder().rootValueSeparator((String) null).build();

  private final Bytes buffer = new Bytes(1024);
  // ECS service.node.name of the lines this encoder writes next; empty writes none.
  private String node = "";
  private final UtcMillis millis = new UtcMillis();
  // Reused across lines; dropped when a line fails half-way, so the next starts from a clean state.
  private JsonGenerator generator;

  /** Sequence number and previous-line hash of a chained line; absent for the SLF4J sink. */
  record Chain(long seq, String prevHash) {}

  // One encoder per request thread: its buffer, generator and date cache are built once, not per
  // record (building them cost more than the encoding itself).
  private static final ThreadLocal<AuditEncoder> PER_THREAD =
      ThreadLocal.withInitial(AuditEncoder::new);

  /** This thread's encoder; never shared with another thread. */
  static AuditEncoder forThisThread() {
    return PER_THREAD.get();
  }

  /**
   * Names the instance ({@code service.node.name}) in the lines encoded from now on; the caller
   * owns this encoder, so this is set again before each use by a sink that names its instance.
   */
  AuditEncoder withNode(String node) {
    this.node = node;
    return this;
  }

  static String encodeToString(AuditRecord record, IpPrivacy privacy) {
    return encodeToString(record, privacy, "");
  }

  static String encodeToString(AuditRecord record, IpPrivacy privacy, String node) {
    Bytes line = forThisThread().withNode(node).encodeInPlace(record, privacy, Optional.empty());
    return new String(line.array(), 0, line.size(), StandardCharsets.UTF_8);
  }

  /** A byte buffer whose array can be read in place, so a line is copied only where it must be. */
  static final class Bytes extends ByteArrayOutputStream {
    Bytes(int size) {
      super(size);
    }

    /** The backing array; the line is its first {@link #size()} bytes. */
    byte[] array() {
      return buf;
    }
  }

  /** Returns the UTF-8 bytes of one line, without the line feed. */
  byte[] encode(AuditRecord r, IpPrivacy privacy, Optional<Chain> chain) {
    encodeInPlace(r, privacy, chain);
    return buffer.toByteArray();
  }

  /**
   * Encodes one line into this encoder's own buffer and returns that buffer, valid until the next
   * call: the file sink copies it once into its batch instead of taking a fresh array per line.
   * Without a chain the line ends with {@code }}} (the {@code geofence} object and the root), which
   * the file sink relies on when it appends the chain.
   */
  Bytes encodeInPlace(AuditRecord r, IpPrivacy privacy, Optional<Chain> chain) {
    JsonGenerator g = start();
    try {
      writeHead(g, r.timestamp());
      g.writeObjectFieldStart("event");
      g.writeStringField("kind", r.action().kind());
      g.writeArrayFieldStart("category");
      g.writeString("web");
      g.writeEndArray();
      g.writeArrayFieldStart("type");
      for (String type : r.action().eventTypes()) {
        g.writeString(type);
      }
      g.writeEndArray();
      g.writeStringField("action", r.action().label());
      g.writeStringField("outcome", r.action().outcome());
      text(g, "reason", r.reason(), MAX_REASON);
      g.writeStringField("dataset", "geofence.audit");
      g.writeEndObject();

      if (!r.ruleName().isEmpty()) {
        g.writeObjectFieldStart("rule");
        text(g, "name", r.ruleName(), MAX_TEXT);
        g.writeEndObject();
      }

      g.writeObjectFieldStart("source");
      if (privacy.writesAddress() && r.sourceIp().isPresent()) {
        g.writeStringField("ip", privacy.apply(r.sourceIp().get()));
      }
      if (!r.country().isEmpty() || !r.regionIsoCode().isEmpty()) {
        g.writeObjectFieldStart("geo");
        text(g, "country_iso_code", r.country(), MAX_TEXT);
        text(g, "region_iso_code", r.regionIsoCode(), MAX_TEXT);
        g.writeEndObject();
      }
      g.writeEndObject();

      if (!r.userId().isEmpty()) {
        g.writeObjectFieldStart("user");
        text(g, "id", r.userId(), MAX_TEXT);
        g.writeEndObject();
      }

      g.writeObjectFieldStart("http");
      if (!r.httpMethod().isEmpty() || !r.requestId().isEmpty()) {
        g.writeObjectFieldStart("request");
        text(g, "method", r.httpMethod(), MAX_TEXT);
        text(g, "id", r.requestId(), MAX_TEXT);
        g.writeEndObject();
      }
      if (r.statusCode() != 0) {
        g.writeObjectFieldStart("response");
        g.writeNumberField("status_code", r.statusCode());
        g.writeEndObject();
      }
      g.writeEndObject();

      String path = pathOnly(r.urlPath());
      if (!path.isEmpty()) {
        g.writeObjectFieldStart("url");
        text(g, "path", path, MAX_PATH);
        g.writeEndObject();
      }

      g.writeObjectFieldStart("geofence");
      g.writeBooleanField("monitor", r.monitor());
      if (!r.policyId().isEmpty() || !r.policyVersion().isEmpty() || !r.policySha256().isEmpty()) {
        g.writeObjectFieldStart("policy");
        text(g, "id", r.policyId(), MAX_TEXT);
        text(g, "version", r.policyVersion(), MAX_TEXT);
        text(g, "sha256", r.policySha256(), MAX_TEXT);
        g.writeEndObject();
      }
      text(g, "basis", r.basis(), MAX_REASON);
      if (!r.databaseType().isEmpty()
          || r.databaseBuildTime().isPresent()
          || !r.databaseSha256().isEmpty()) {
        g.writeObjectFieldStart("database");
        text(g, "type", r.databaseType(), MAX_TEXT);
        if (r.databaseBuildTime().isPresent()) {
          writeTime(g, "build_time", r.databaseBuildTime().get());
        }
        text(g, "sha256", r.databaseSha256(), MAX_TEXT);
        g.writeEndObject();
      }
      if (!r.requestedModel().isEmpty()
          || !r.requestedTier().isEmpty()
          || !r.effectiveModel().isEmpty()
          || !r.effectiveTier().isEmpty()) {
        g.writeObjectFieldStart("model");
        boolean altered = model(g, "requested", r.requestedModel());
        text(g, "requested_tier", r.requestedTier(), MAX_TEXT);
        altered |= model(g, "effective", r.effectiveModel());
        text(g, "effective_tier", r.effectiveTier(), MAX_TEXT);
        if (altered) {
          g.writeBooleanField("truncated", true);
        }
        g.writeEndObject();
      }
      if (!r.batchEntries().isEmpty()) {
        g.writeArrayFieldStart("batch");
        for (AuditRecord.BatchEntry entry : r.batchEntries()) {
          g.writeStartObject();
          text(g, "custom_id", entry.customId(), MAX_TEXT);
          boolean altered = model(g, "requested", entry.requestedModel());
          altered |= model(g, "effective", entry.effectiveModel());
          if (altered) {
            g.writeBooleanField("truncated", true);
          }
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      if (r.shadow().isPresent()) {
        writeShadow(g, r.shadow().get());
      }
      if (r.usage().isPresent()) {
        writeUsage(g, r.usage().get());
      }
      text(g, "registered_country_iso_code", r.registeredCountry(), MAX_TEXT);
      if (!r.anonymizerFlags().isEmpty()) {
        g.writeArrayFieldStart("anonymizer");
        for (String flag : new TreeSet<>(r.anonymizerFlags())) {
          g.writeString(clean(flag, MAX_TEXT));
        }
        g.writeEndArray();
      }
      if (!r.addressSource().isEmpty()
          || r.peerAddress().isPresent()
          || !r.addressUnresolvable().isEmpty()) {
        g.writeObjectFieldStart("address");
        text(g, "source", r.addressSource(), MAX_TEXT);
        if (r.peerAddress().isPresent()) {
          writeAddress(g, privacy, "peer_ip", r.peerAddress().get());
        }
        text(g, "unresolvable", r.addressUnresolvable(), MAX_TEXT);
        g.writeEndObject();
      }
      g.writeStringField("ip_privacy", privacy.mode().label);
      if (!privacy.writesAddress() && r.sourceIp().isPresent()) {
        g.writeStringField("source_ip_hmac", privacy.apply(r.sourceIp().get()));
      }
      g.writeNumberField("decision_us", r.decisionMicros());
      writeChain(g, chain);
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException | RuntimeException e) {
      throw fail(e);
    }
    flush(g);
    return buffer;
  }

  /**
   * A line saying that records were lost, written by a sink once it can write again.
   *
   * @param byAction lost records per action, in report order
   */
  byte[] encodeRecordsLost(
      Instant now,
      long count,
      Map<AuditAction, Long> byAction,
      Instant since,
      String reason,
      Optional<Chain> chain) {
    JsonGenerator g = start();
    try {
      writeHead(g, now);
      writeMetaEvent(
          g,
          "pipeline_error",
          "error",
          RECORDS_LOST,
          "failure",
          count + " audit records lost: " + reason);
      g.writeObjectFieldStart("geofence");
      g.writeObjectFieldStart("lost");
      g.writeNumberField("count", count);
      for (Map.Entry<AuditAction, Long> e : byAction.entrySet()) {
        g.writeNumberField(e.getKey().label(), e.getValue());
      }
      writeTime(g, "since", since);
      g.writeEndObject();
      writeChain(g, chain);
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException | RuntimeException e) {
      throw fail(e);
    }
    return finish(g);
  }

  /**
   * The first line of a file started after a crash cut the previous file's last line short; the
   * chain continues from the last complete line, and this line says how many bytes were cut off.
   */
  byte[] encodeChainRestart(Instant now, String previousFile, long truncatedBytes, Chain chain) {
    JsonGenerator g = start();
    try {
      writeHead(g, now);
      writeMetaEvent(
          g,
          "event",
          "info",
          CHAIN_RESTART,
          "unknown",
          "previous file "
              + previousFile
              + " ended with "
              + truncatedBytes
              + " bytes of an incomplete line; the chain continues from its last complete line");
      g.writeObjectFieldStart("geofence");
      g.writeObjectFieldStart("restart");
      g.writeStringField("previous_file", clean(previousFile, MAX_TEXT));
      g.writeNumberField("truncated_bytes", truncatedBytes);
      g.writeEndObject();
      writeChain(g, Optional.of(chain));
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException | RuntimeException e) {
      throw fail(e);
    }
    return finish(g);
  }

  /**
   * A signed checkpoint line: {@code event.action} checkpoint, the fields under {@code
   * geofence.checkpoint}, and the chain like any other line.
   */
  byte[] encodeCheckpoint(Checkpoint c) {
    JsonGenerator g = start();
    try {
      g.writeStartObject();
      g.writeStringField("@timestamp", c.time());
      g.writeObjectFieldStart("ecs");
      g.writeStringField("version", ECS_VERSION);
      g.writeEndObject();
      writeNode(g, c.node());
      writeMetaEvent(
          g,
          "event",
          "info",
          Checkpoint.ACTION,
          "success",
          "signed checkpoint of seq " + c.firstSeq() + " to " + c.lastSeq() + " in this file");
      g.writeObjectFieldStart("geofence");
      g.writeObjectFieldStart("checkpoint");
      g.writeNumberField("first_seq", c.firstSeq());
      g.writeNumberField("last_seq", c.lastSeq());
      g.writeNumberField("tree_size", c.treeSize());
      g.writeStringField("root", c.root());
      g.writeStringField("previous", c.previous());
      g.writeStringField("key_id", c.keyId());
      g.writeStringField("signature", c.signature());
      g.writeEndObject();
      writeChain(g, Optional.of(new Chain(c.lastSeq() + 1, c.prevHash())));
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException | RuntimeException e) {
      throw fail(e);
    }
    return finish(g);
  }

  /** ECS {@code service.node.name}: which instance wrote the line. */
  private static void writeNode(JsonGenerator g, String node) throws IOException {
    if (!node.isEmpty()) {
      g.writeObjectFieldStart("service");
      g.writeObjectFieldStart("node");
      g.writeStringField("name", clean(node, MAX_TEXT));
      g.writeEndObject();
      g.writeEndObject();
    }
  }

  private JsonGenerator start() {
    buffer.reset();
    if (generator == null) {
      try {
        generator = JSON.createGenerator(buffer, JsonEncoding.UTF8);
      } catch (IOException e) {
        throw new UncheckedIOException(e); // cannot happen: the output is a byte array
      }
    }
    return generator;
  }

  private byte[] finish(JsonGenerator g) {
    flush(g);
    return buffer.toByteArray();
  }

  private void flush(JsonGenerator g) {
    try {
      g.flush();
    } catch (IOException e) {
      throw fail(e);
    }
  }

  /** Drops the generator, which may be inside an object now, and rethrows. */
  private RuntimeException fail(Exception e) {
    generator = null;
    if (e instanceof RuntimeException r) {
      return r;
    }
    return new UncheckedIOException((IOException) e); // cannot happen: the output is a byte array
  }

  private void writeHead(JsonGenerator g, Instant timestamp) throws IOException {
    g.writeStartObject();
    writeTime(g, "@timestamp", timestamp);
    g.writeObjectFieldStart("ecs");
    g.writeStringField("version", ECS_VERSION);
    g.writeEndObject();
    writeNode(g, node);
  }

  private void writeTime(JsonGenerator g, String field, Instant instant) throws IOException {
    g.writeFieldName(field);
    if (millis.fill(instant)) {
      g.writeString(millis.chars(), 0, UtcMillis.LENGTH);
    } else {
      g.writeString(UtcMillis.FORMATTER.format(instant));
    }
  }

  private static void writeMetaEvent(
      JsonGenerator g, String kind, String type, String action, String outcome, String reason)
      throws IOException {
    g.writeObjectFieldStart("event");
    g.writeStringField("kind", kind);
    g.writeArrayFieldStart("category");
    g.writeString("file");
    g.writeEndArray();
    g.writeArrayFieldStart("type");
    g.writeString(type);
    g.writeEndArray();
    g.writeStringField("action", action);
    g.writeStringField("outcome", outcome);
    g.writeStringField("reason", clean(reason, MAX_REASON));
    g.writeStringField("dataset", "geofence.audit");
    g.writeEndObject();
  }

  /** {@code geofence.usage}: the limit a request was over, or what an alert is about. */
  private static void writeUsage(JsonGenerator g, AuditRecord.Usage u) throws IOException {
    g.writeObjectFieldStart("usage");
    text(g, "limit", u.limit(), MAX_TEXT);
    if (!u.countries().isEmpty()) {
      g.writeArrayFieldStart("countries");
      for (String country : u.countries()) {
        g.writeString(clean(country, MAX_TEXT));
      }
      g.writeEndArray();
    }
    text(g, "window", u.window(), MAX_TEXT);
    g.writeEndObject();
  }

  /** {@code geofence.shadow}: what the shadow policy would have done instead. */
  private static void writeShadow(JsonGenerator g, AuditRecord.Shadow s) throws IOException {
    g.writeObjectFieldStart("shadow");
    g.writeObjectFieldStart("policy");
    text(g, "id", s.policyId(), MAX_TEXT);
    text(g, "version", s.policyVersion(), MAX_TEXT);
    text(g, "sha256", s.policySha256(), MAX_TEXT);
    g.writeEndObject();
    g.writeStringField("action", s.action().label());
    text(g, "rule", s.ruleName(), MAX_TEXT);
    if (!s.effectiveModel().isEmpty() || !s.effectiveTier().isEmpty()) {
      g.writeObjectFieldStart("model");
      model(g, "effective", s.effectiveModel());
      text(g, "effective_tier", s.effectiveTier(), MAX_TEXT);
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void writeChain(JsonGenerator g, Optional<Chain> chain) throws IOException {
    if (chain.isPresent()) {
      g.writeObjectFieldStart("audit");
      g.writeNumberField("seq", chain.get().seq());
      g.writeStringField("prev_hash", chain.get().prevHash());
      g.writeEndObject();
    }
  }

  private static void writeAddress(
      JsonGenerator g, IpPrivacy privacy, String field, InetAddress address) throws IOException {
    g.writeStringField(privacy.writesAddress() ? field : field + "_hmac", privacy.apply(address));
  }

  private static void text(JsonGenerator g, String field, String value, int max)
      throws IOException {
    if (!value.isEmpty()) {
      g.writeStringField(field, clean(value, max));
    }
  }

  /**
   * Writes a model field. Every id the filter accepts ({@link ModelIds#MAX_LENGTH} printable ASCII
   * characters at most) is written exactly as the application received it. A value that is not (a
   * refused request's over-long or control-character id) is written shortened and cleaned, with the
   * SHA-256 of the whole value beside it, so the record never silently says something else than
   * what was sent.
   *
   * @return whether the value had to be altered
   */
  private static boolean model(JsonGenerator g, String field, String value) throws IOException {
    if (value.isEmpty()) {
      return false;
    }
    String written = clean(value, MAX_MODEL);
    g.writeStringField(field, written);
    if (written.equals(value)) {
      return false;
    }
    g.writeStringField(field + "_sha256", sha256(value));
    return true;
  }

  /** Hex SHA-256 of the UTF-8 bytes of {@code value}. */
  static String sha256(String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }

  /** The path without query string, fragment or path parameters (which may hold session ids). */
  static String pathOnly(String path) {
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '?' || c == '#' || c == ';') {
        return path.substring(0, i);
      }
    }
    return path;
  }

  /**
   * Removes control characters (C0, DEL, C1, line and paragraph separators) and cuts the text to
   * {@code max} characters, without splitting a surrogate pair. Returns the same string when there
   * is nothing to change, which is the common case.
   */
  static String clean(String value, int max) {
    return Printable.withoutControls(value, max);
  }
}
