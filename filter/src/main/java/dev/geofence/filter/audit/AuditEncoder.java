package dev.geofence.filter.audit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.geofence.filter.internal.Printable;
import dev.geofence.policy.ModelIds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
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
  // ECS service.node.name of the lines this encoder writes next, and its cleaned and quoted form
  // (null when empty: no field), made once per name rather than once per line.
  private String node = "";
  private SerializedString nodeText;
  private final UtcMillis millis = new UtcMillis();
  private final Reused policyObject = new Reused();
  private final Reused databaseObject = new Reused();
  // Encodes the reused objects, which are made while this encoder's own generator is mid-line.
  private AuditEncoder sideEncoder;
  // Reused across lines; dropped when a line fails half-way, so the next starts from a clean state.
  private JsonGenerator generator;

  // Field names and fixed values with their quoted UTF-8 made once: Jackson then copies bytes
  // instead of checking and converting each character of some forty names per line.
  private static final class N {
    static final SerializedString ACTION = new SerializedString("action");
    static final SerializedString ADDRESS = new SerializedString("address");
    static final SerializedString ANONYMIZER = new SerializedString("anonymizer");
    static final SerializedString AUDIT = new SerializedString("audit");
    static final SerializedString BASIS = new SerializedString("basis");
    static final SerializedString BATCH = new SerializedString("batch");
    static final SerializedString BUILD_TIME = new SerializedString("build_time");
    static final SerializedString CATEGORY = new SerializedString("category");
    static final SerializedString COUNTRIES = new SerializedString("countries");
    static final SerializedString COUNTRY_ISO_CODE = new SerializedString("country_iso_code");
    static final SerializedString CUSTOM_ID = new SerializedString("custom_id");
    static final SerializedString DATABASE = new SerializedString("database");
    static final SerializedString DATASET = new SerializedString("dataset");
    static final SerializedString DECISION_US = new SerializedString("decision_us");
    static final SerializedString ECS = new SerializedString("ecs");
    static final SerializedString ECS_VERSION = new SerializedString(AuditEncoder.ECS_VERSION);
    static final SerializedString EFFECTIVE = new SerializedString("effective");
    static final SerializedString EFFECTIVE_SHA256 = new SerializedString("effective_sha256");
    static final SerializedString EFFECTIVE_TIER = new SerializedString("effective_tier");
    static final SerializedString EVENT = new SerializedString("event");
    static final SerializedString GEO = new SerializedString("geo");
    static final SerializedString GEOFENCE = new SerializedString("geofence");
    static final SerializedString GEOFENCE_AUDIT = new SerializedString("geofence.audit");
    static final SerializedString HTTP = new SerializedString("http");
    static final SerializedString ID = new SerializedString("id");
    static final SerializedString IP = new SerializedString("ip");
    static final SerializedString IP_PRIVACY = new SerializedString("ip_privacy");
    static final SerializedString KIND = new SerializedString("kind");
    static final SerializedString LIMIT = new SerializedString("limit");
    static final SerializedString METHOD = new SerializedString("method");
    static final SerializedString MODEL = new SerializedString("model");
    static final SerializedString MONITOR = new SerializedString("monitor");
    static final SerializedString NAME = new SerializedString("name");
    static final SerializedString NODE = new SerializedString("node");
    static final SerializedString OUTCOME = new SerializedString("outcome");
    static final SerializedString PATH = new SerializedString("path");
    static final SerializedString PEER_IP = new SerializedString("peer_ip");
    static final SerializedString PEER_IP_HMAC = new SerializedString("peer_ip_hmac");
    static final SerializedString POLICY = new SerializedString("policy");
    static final SerializedString PREV_HASH = new SerializedString("prev_hash");
    static final SerializedString REASON = new SerializedString("reason");
    static final SerializedString REGION_ISO_CODE = new SerializedString("region_iso_code");
    static final SerializedString REGISTERED_COUNTRY_ISO_CODE =
        new SerializedString("registered_country_iso_code");
    static final SerializedString REPRESENTED_COUNTRY_ISO_CODE =
        new SerializedString("represented_country_iso_code");
    static final SerializedString REQUEST = new SerializedString("request");
    static final SerializedString REQUESTED = new SerializedString("requested");
    static final SerializedString REQUESTED_SHA256 = new SerializedString("requested_sha256");
    static final SerializedString REQUESTED_TIER = new SerializedString("requested_tier");
    static final SerializedString RESPONSE = new SerializedString("response");
    static final SerializedString RULE = new SerializedString("rule");
    static final SerializedString SEQ = new SerializedString("seq");
    static final SerializedString SERVICE = new SerializedString("service");
    static final SerializedString SHA256 = new SerializedString("sha256");
    static final SerializedString SHADOW = new SerializedString("shadow");
    static final SerializedString SINCE = new SerializedString("since");
    static final SerializedString SOURCE = new SerializedString("source");
    static final SerializedString SOURCE_IP_HMAC = new SerializedString("source_ip_hmac");
    static final SerializedString STATUS_CODE = new SerializedString("status_code");
    static final SerializedString TIMESTAMP = new SerializedString("@timestamp");
    static final SerializedString TRUNCATED = new SerializedString("truncated");
    static final SerializedString TYPE = new SerializedString("type");
    static final SerializedString UNRESOLVABLE = new SerializedString("unresolvable");
    static final SerializedString URL = new SerializedString("url");
    static final SerializedString USAGE = new SerializedString("usage");
    static final SerializedString USER = new SerializedString("user");
    static final SerializedString VERSION = new SerializedString("version");
    static final SerializedString WEB = new SerializedString("web");
    static final SerializedString WINDOW = new SerializedString("window");
  }

  /** The {@code event} values an action writes, quoted once. */
  private record ActionText(
      SerializedString kind,
      SerializedString label,
      SerializedString[] types,
      SerializedString outcome) {
    static ActionText of(AuditAction action) {
      String[] types = action.eventTypes();
      SerializedString[] quoted = new SerializedString[types.length];
      for (int i = 0; i < types.length; i++) {
        quoted[i] = new SerializedString(types[i]);
      }
      return new ActionText(
          new SerializedString(action.kind()),
          new SerializedString(action.label()),
          quoted,
          new SerializedString(action.outcome()));
    }
  }

  private static final ActionText[] ACTIONS =
      Arrays.stream(AuditAction.values()).map(ActionText::of).toArray(ActionText[]::new);

  private static final SerializedString[] PRIVACY_MODES =
      Arrays.stream(IpPrivacy.Mode.values())
          .map(mode -> new SerializedString(mode.label))
          .toArray(SerializedString[]::new);

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
    if (!node.equals(this.node)) {
      this.node = node;
      this.nodeText = node.isEmpty() ? null : new SerializedString(clean(node, MAX_TEXT));
    }
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
      g.writeFieldName(N.EVENT);
      g.writeStartObject();
      ActionText action = ACTIONS[r.action().ordinal()];
      g.writeFieldName(N.KIND);
      g.writeString(action.kind);
      g.writeFieldName(N.CATEGORY);
      g.writeStartArray();
      g.writeString(N.WEB);
      g.writeEndArray();
      g.writeFieldName(N.TYPE);
      g.writeStartArray();
      for (SerializedString type : action.types) {
        g.writeString(type);
      }
      g.writeEndArray();
      g.writeFieldName(N.ACTION);
      g.writeString(action.label);
      g.writeFieldName(N.OUTCOME);
      g.writeString(action.outcome);
      text(g, N.REASON, r.reason(), MAX_REASON);
      g.writeFieldName(N.DATASET);
      g.writeString(N.GEOFENCE_AUDIT);
      g.writeEndObject();

      if (!r.ruleName().isEmpty()) {
        g.writeFieldName(N.RULE);
        g.writeStartObject();
        text(g, N.NAME, r.ruleName(), MAX_TEXT);
        g.writeEndObject();
      }

      g.writeFieldName(N.SOURCE);
      g.writeStartObject();
      if (privacy.writesAddress() && r.sourceIp().isPresent()) {
        g.writeFieldName(N.IP);
        g.writeString(privacy.apply(r.sourceIp().get()));
      }
      if (!r.country().isEmpty() || !r.regionIsoCode().isEmpty()) {
        g.writeFieldName(N.GEO);
        g.writeStartObject();
        text(g, N.COUNTRY_ISO_CODE, r.country(), MAX_TEXT);
        text(g, N.REGION_ISO_CODE, r.regionIsoCode(), MAX_TEXT);
        g.writeEndObject();
      }
      g.writeEndObject();

      if (!r.userId().isEmpty()) {
        g.writeFieldName(N.USER);
        g.writeStartObject();
        text(g, N.ID, r.userId(), MAX_TEXT);
        g.writeEndObject();
      }

      g.writeFieldName(N.HTTP);
      g.writeStartObject();
      if (!r.httpMethod().isEmpty() || !r.requestId().isEmpty()) {
        g.writeFieldName(N.REQUEST);
        g.writeStartObject();
        text(g, N.METHOD, r.httpMethod(), MAX_TEXT);
        text(g, N.ID, r.requestId(), MAX_TEXT);
        g.writeEndObject();
      }
      if (r.statusCode() != 0) {
        g.writeFieldName(N.RESPONSE);
        g.writeStartObject();
        g.writeFieldName(N.STATUS_CODE);
        g.writeNumber(r.statusCode());
        g.writeEndObject();
      }
      g.writeEndObject();

      String path = pathOnly(r.urlPath());
      if (!path.isEmpty()) {
        g.writeFieldName(N.URL);
        g.writeStartObject();
        text(g, N.PATH, path, MAX_PATH);
        g.writeEndObject();
      }

      g.writeFieldName(N.GEOFENCE);
      g.writeStartObject();
      g.writeFieldName(N.MONITOR);
      g.writeBoolean(r.monitor());
      if (!r.policyId().isEmpty() || !r.policyVersion().isEmpty() || !r.policySha256().isEmpty()) {
        g.writeFieldName(N.POLICY);
        g.writeRawValue(policyObject(r));
      }
      text(g, N.BASIS, r.basis(), MAX_REASON);
      if (!r.databaseType().isEmpty()
          || r.databaseBuildTime().isPresent()
          || !r.databaseSha256().isEmpty()) {
        g.writeFieldName(N.DATABASE);
        g.writeRawValue(databaseObject(r));
      }
      if (!r.requestedModel().isEmpty()
          || !r.requestedTier().isEmpty()
          || !r.effectiveModel().isEmpty()
          || !r.effectiveTier().isEmpty()) {
        g.writeFieldName(N.MODEL);
        g.writeStartObject();
        boolean altered = model(g, N.REQUESTED, N.REQUESTED_SHA256, r.requestedModel());
        text(g, N.REQUESTED_TIER, r.requestedTier(), MAX_TEXT);
        altered |= model(g, N.EFFECTIVE, N.EFFECTIVE_SHA256, r.effectiveModel());
        text(g, N.EFFECTIVE_TIER, r.effectiveTier(), MAX_TEXT);
        if (altered) {
          g.writeFieldName(N.TRUNCATED);
          g.writeBoolean(true);
        }
        g.writeEndObject();
      }
      if (!r.batchEntries().isEmpty()) {
        g.writeFieldName(N.BATCH);
        g.writeStartArray();
        for (AuditRecord.BatchEntry entry : r.batchEntries()) {
          g.writeStartObject();
          text(g, N.CUSTOM_ID, entry.customId(), MAX_TEXT);
          boolean altered = model(g, N.REQUESTED, N.REQUESTED_SHA256, entry.requestedModel());
          altered |= model(g, N.EFFECTIVE, N.EFFECTIVE_SHA256, entry.effectiveModel());
          if (altered) {
            g.writeFieldName(N.TRUNCATED);
            g.writeBoolean(true);
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
      text(g, N.REGISTERED_COUNTRY_ISO_CODE, r.registeredCountry(), MAX_TEXT);
      text(g, N.REPRESENTED_COUNTRY_ISO_CODE, r.representedCountry(), MAX_TEXT);
      if (!r.anonymizerFlags().isEmpty()) {
        g.writeFieldName(N.ANONYMIZER);
        g.writeStartArray();
        for (String flag : new TreeSet<>(r.anonymizerFlags())) {
          g.writeString(clean(flag, MAX_TEXT));
        }
        g.writeEndArray();
      }
      if (!r.addressSource().isEmpty()
          || r.peerAddress().isPresent()
          || !r.addressUnresolvable().isEmpty()) {
        g.writeFieldName(N.ADDRESS);
        g.writeStartObject();
        text(g, N.SOURCE, r.addressSource(), MAX_TEXT);
        if (r.peerAddress().isPresent()) {
          g.writeFieldName(privacy.writesAddress() ? N.PEER_IP : N.PEER_IP_HMAC);
          g.writeString(privacy.apply(r.peerAddress().get()));
        }
        text(g, N.UNRESOLVABLE, r.addressUnresolvable(), MAX_TEXT);
        g.writeEndObject();
      }
      g.writeFieldName(N.IP_PRIVACY);
      g.writeString(PRIVACY_MODES[privacy.mode().ordinal()]);
      if (!privacy.writesAddress() && r.sourceIp().isPresent()) {
        g.writeFieldName(N.SOURCE_IP_HMAC);
        g.writeString(privacy.apply(r.sourceIp().get()));
      }
      g.writeFieldName(N.DECISION_US);
      g.writeNumber(r.decisionMicros());
      writeChain(g, chain);
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException | RuntimeException e) {
      throw fail(e);
    }
    flush(g);
    return buffer;
  }

  /** {@code geofence.policy}, encoded again only when the policy's values are other objects. */
  private SerializableString policyObject(AuditRecord r) throws IOException {
    if (!policyObject.isFor(r.policyId(), r.policyVersion(), r.policySha256())) {
      JsonGenerator g = side().start();
      g.writeStartObject();
      text(g, N.ID, r.policyId(), MAX_TEXT);
      text(g, N.VERSION, r.policyVersion(), MAX_TEXT);
      text(g, N.SHA256, r.policySha256(), MAX_TEXT);
      g.writeEndObject();
      policyObject.keep(r.policyId(), r.policyVersion(), r.policySha256(), side().written(g));
    }
    return policyObject.json;
  }

  /** {@code geofence.database}, encoded again only when the database's values are other objects. */
  private SerializableString databaseObject(AuditRecord r) throws IOException {
    Instant built = r.databaseBuildTime().orElse(null);
    if (!databaseObject.isFor(r.databaseType(), built, r.databaseSha256())) {
      JsonGenerator g = side().start();
      g.writeStartObject();
      text(g, N.TYPE, r.databaseType(), MAX_TEXT);
      if (built != null) {
        side().writeTime(g, N.BUILD_TIME, built);
      }
      text(g, N.SHA256, r.databaseSha256(), MAX_TEXT);
      g.writeEndObject();
      databaseObject.keep(r.databaseType(), built, r.databaseSha256(), side().written(g));
    }
    return databaseObject.json;
  }

  /**
   * One JSON object kept with the values it was encoded from, and written raw while a line has the
   * very same value objects (a policy or database snapshot hands out the same ones to every
   * request, and new ones after a reload). Compared by identity, so a match is never a stale text.
   */
  private static final class Reused {
    private Object a;
    private Object b;
    private Object c;
    private SerializedString json;

    boolean isFor(Object a, Object b, Object c) {
      return json != null && a == this.a && b == this.b && c == this.c;
    }

    void keep(Object a, Object b, Object c, SerializedString json) {
      this.a = a;
      this.b = b;
      this.c = c;
      this.json = json;
    }
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
      writeTime(g, N.SINCE, since);
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
      writeNode(g, new SerializedString(clean(node, MAX_TEXT)));
    }
  }

  private static void writeNode(JsonGenerator g, SerializedString node) throws IOException {
    g.writeFieldName(N.SERVICE);
    g.writeStartObject();
    g.writeFieldName(N.NODE);
    g.writeStartObject();
    g.writeFieldName(N.NAME);
    g.writeString(node);
    g.writeEndObject();
    g.writeEndObject();
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

  private AuditEncoder side() {
    if (sideEncoder == null) {
      sideEncoder = new AuditEncoder();
    }
    return sideEncoder;
  }

  /** What {@code g} wrote since {@link #start()}, as a value to write raw into other lines. */
  private SerializedString written(JsonGenerator g) {
    flush(g);
    return new SerializedString(buffer.toString(StandardCharsets.UTF_8));
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
    sideEncoder = null;
    if (e instanceof RuntimeException r) {
      return r;
    }
    return new UncheckedIOException((IOException) e); // cannot happen: the output is a byte array
  }

  private void writeHead(JsonGenerator g, Instant timestamp) throws IOException {
    g.writeStartObject();
    writeTime(g, N.TIMESTAMP, timestamp);
    g.writeFieldName(N.ECS);
    g.writeStartObject();
    g.writeFieldName(N.VERSION);
    g.writeString(N.ECS_VERSION);
    g.writeEndObject();
    if (nodeText != null) {
      writeNode(g, nodeText);
    }
  }

  private void writeTime(JsonGenerator g, SerializableString field, Instant instant)
      throws IOException {
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
    g.writeFieldName(N.USAGE);
    g.writeStartObject();
    text(g, N.LIMIT, u.limit(), MAX_TEXT);
    if (!u.countries().isEmpty()) {
      g.writeFieldName(N.COUNTRIES);
      g.writeStartArray();
      for (String country : u.countries()) {
        g.writeString(clean(country, MAX_TEXT));
      }
      g.writeEndArray();
    }
    text(g, N.WINDOW, u.window(), MAX_TEXT);
    g.writeEndObject();
  }

  /** {@code geofence.shadow}: what the shadow policy would have done instead. */
  private static void writeShadow(JsonGenerator g, AuditRecord.Shadow s) throws IOException {
    g.writeFieldName(N.SHADOW);
    g.writeStartObject();
    g.writeFieldName(N.POLICY);
    g.writeStartObject();
    text(g, N.ID, s.policyId(), MAX_TEXT);
    text(g, N.VERSION, s.policyVersion(), MAX_TEXT);
    text(g, N.SHA256, s.policySha256(), MAX_TEXT);
    g.writeEndObject();
    g.writeFieldName(N.ACTION);
    g.writeString(ACTIONS[s.action().ordinal()].label);
    text(g, N.RULE, s.ruleName(), MAX_TEXT);
    if (!s.effectiveModel().isEmpty() || !s.effectiveTier().isEmpty()) {
      g.writeFieldName(N.MODEL);
      g.writeStartObject();
      model(g, N.EFFECTIVE, N.EFFECTIVE_SHA256, s.effectiveModel());
      text(g, N.EFFECTIVE_TIER, s.effectiveTier(), MAX_TEXT);
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void writeChain(JsonGenerator g, Optional<Chain> chain) throws IOException {
    if (chain.isPresent()) {
      g.writeFieldName(N.AUDIT);
      g.writeStartObject();
      g.writeFieldName(N.SEQ);
      g.writeNumber(chain.get().seq());
      g.writeFieldName(N.PREV_HASH);
      g.writeString(chain.get().prevHash());
      g.writeEndObject();
    }
  }

  private static void text(JsonGenerator g, SerializableString field, String value, int max)
      throws IOException {
    if (!value.isEmpty()) {
      g.writeFieldName(field);
      g.writeString(clean(value, max));
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
  private static boolean model(
      JsonGenerator g, SerializableString field, SerializableString hashField, String value)
      throws IOException {
    if (value.isEmpty()) {
      return false;
    }
    String written = clean(value, MAX_MODEL);
    g.writeFieldName(field);
    g.writeString(written);
    if (written.equals(value)) {
      return false;
    }
    g.writeFieldName(hashField);
    g.writeString(sha256(value));
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
