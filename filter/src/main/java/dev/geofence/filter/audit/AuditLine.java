package dev.geofence.filter.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The few fields of an audit line that the chain verifier, the report and the file sink's restart
 * recovery read. Parsed with Jackson's streaming parser; unknown fields are skipped.
 *
 * @param seq {@code geofence.audit.seq}, or -1 when the line has none
 * @param prevHash {@code geofence.audit.prev_hash}, empty when absent
 * @param modelSha256 {@code geofence.model.requested_sha256}: present when the requested model is
 *     written shortened or cleaned
 * @param modelTruncated {@code geofence.model.truncated}
 * @param principal {@code user.id}, empty when the record has no principal
 * @param batchModels for a Message Batches record ({@code geofence.batch}), the models its entries
 *     asked for, each once, in the order first asked; empty for any other record
 */
record AuditLine(
    long seq,
    String prevHash,
    String timestamp,
    String action,
    String rule,
    String country,
    String model,
    long lostCount,
    long truncatedBytes,
    String modelSha256,
    boolean modelTruncated,
    String principal,
    Optional<List<Requested>> batchModels,
    Optional<Checkpoint> checkpoint) {

  private static final JsonFactory JSON = JsonFactory.builder().build();

  /**
   * A model a batch entry asked for, as written.
   *
   * @param model {@code requested}, shortened and cleaned when the entry's id was not writable
   * @param sha256 {@code requested_sha256}: the hash of the whole id when it was shortened; empty
   *     otherwise
   */
  record Requested(String model, String sha256) {}

  boolean isChained() {
    return seq >= 0 && !prevHash.isEmpty();
  }

  boolean isDecision() {
    return AuditAction.fromLabel(action).isPresent();
  }

  boolean isCheckpoint() {
    return checkpoint.isPresent();
  }

  boolean isRestart() {
    return AuditEncoder.CHAIN_RESTART.equals(action);
  }

  /** Parses one line; empty when it is not a JSON object. */
  static Optional<AuditLine> parse(byte[] line) {
    long seq = -1;
    long lost = 0;
    long truncated = 0;
    String prevHash = "";
    String timestamp = "";
    String action = "";
    String rule = "";
    String country = "";
    String model = "";
    String modelSha256 = "";
    boolean modelTruncated = false;
    String principal = "";
    Optional<List<Requested>> batchModels = Optional.empty();
    String node = "";
    long cpFirst = -1;
    long cpLast = -1;
    String cpRoot = "";
    String cpPrevious = "";
    String cpKey = "";
    String cpSignature = "";
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      Deque<String> path = new ArrayDeque<>();
      String prefix = "";
      JsonToken token;
      while ((token = p.nextToken()) != null) {
        if (token == JsonToken.END_OBJECT) {
          if (path.isEmpty()) {
            return p.nextToken() == null
                ? Optional.of(
                    new AuditLine(
                        seq,
                        prevHash,
                        timestamp,
                        action,
                        rule,
                        country,
                        model,
                        lost,
                        truncated,
                        modelSha256,
                        modelTruncated,
                        principal,
                        batchModels,
                        Checkpoint.ACTION.equals(action) && cpFirst >= 0 && cpLast >= cpFirst
                            ? Optional.of(
                                new Checkpoint(
                                    node,
                                    cpFirst,
                                    cpLast,
                                    cpRoot,
                                    cpPrevious,
                                    timestamp,
                                    cpKey,
                                    prevHash,
                                    cpSignature))
                            : Optional.empty()))
                : Optional.empty();
          }
          prefix = path.pop();
          continue;
        }
        String field = prefix + p.currentName();
        token = p.nextToken();
        if (token == JsonToken.START_OBJECT) {
          path.push(prefix);
          prefix = field + ".";
          continue;
        }
        if (token == JsonToken.START_ARRAY) {
          if (field.equals("geofence.batch")) {
            batchModels = Optional.of(batchModels(p));
          } else {
            p.skipChildren();
          }
          continue;
        }
        switch (field) {
          case "@timestamp":
            timestamp = p.getValueAsString("");
            break;
          case "event.action":
            action = p.getValueAsString("");
            break;
          case "rule.name":
            rule = p.getValueAsString("");
            break;
          case "source.geo.country_iso_code":
            country = p.getValueAsString("");
            break;
          case "geofence.model.requested":
            model = p.getValueAsString("");
            break;
          case "geofence.model.requested_sha256":
            modelSha256 = p.getValueAsString("");
            break;
          case "geofence.model.truncated":
            modelTruncated = token == JsonToken.VALUE_TRUE;
            break;
          case "user.id":
            principal = p.getValueAsString("");
            break;
          case "geofence.lost.count":
            lost = p.getValueAsLong(0);
            break;
          case "geofence.restart.truncated_bytes":
            truncated = p.getValueAsLong(0);
            break;
          case "geofence.audit.seq":
            seq = token == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
            break;
          case "service.node.name":
            node = p.getValueAsString("");
            break;
          case "geofence.checkpoint.first_seq":
            cpFirst = token == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
            break;
          case "geofence.checkpoint.last_seq":
            cpLast = token == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
            break;
          case "geofence.checkpoint.root":
            cpRoot = p.getValueAsString("");
            break;
          case "geofence.checkpoint.previous":
            cpPrevious = p.getValueAsString("");
            break;
          case "geofence.checkpoint.key_id":
            cpKey = p.getValueAsString("");
            break;
          case "geofence.checkpoint.signature":
            cpSignature = p.getValueAsString("");
            break;
          case "geofence.audit.prev_hash":
            prevHash = p.getValueAsString("");
            break;
          default:
            break;
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Reads the entries of {@code geofence.batch}, the parser at its start: the model each asked for,
   * each once. Anything in the array that is not an entry object is skipped.
   */
  private static List<Requested> batchModels(JsonParser p) throws IOException {
    Set<Requested> models = new LinkedHashSet<>();
    JsonToken token;
    while ((token = p.nextToken()) != null && token != JsonToken.END_ARRAY) {
      if (token != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      String model = "";
      String sha256 = "";
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        switch (name) {
          case "requested" -> model = p.getValueAsString("");
          case "requested_sha256" -> sha256 = p.getValueAsString("");
          default -> p.skipChildren();
        }
      }
      if (!model.isEmpty()) {
        models.add(new Requested(model, sha256));
      }
    }
    return List.copyOf(models);
  }
}
