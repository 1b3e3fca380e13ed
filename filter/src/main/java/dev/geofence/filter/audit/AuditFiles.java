package dev.geofence.filter.audit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/** File names, line reading and hashing shared by the file sink, the verifier and the report. */
final class AuditFiles {

  /** The previous-line hash of the very first line of a trail. */
  static final String ORIGIN_HASH = "0".repeat(64);

  static final String SUFFIX = ".jsonl";

  /** Longer lines are not audit records; stops a hostile file from exhausting memory. */
  static final int MAX_LINE = 1 << 20;

  private static final DateTimeFormatter NAME_TIME =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private AuditFiles() {}

  /** Receives the lines of a file in order. */
  interface LineHandler {
    /**
     * @param line the bytes of the line without its line feed
     * @param number the line number, from 1
     * @param terminated false for a last line that has no line feed (cut short)
     */
    void line(byte[] line, long number, boolean terminated) throws IOException;
  }

  /**
   * The name of the file with the given number: {@code audit-000042-20261128T200000Z.jsonl}. The
   * zero-padded number comes first so that sorting names sorts files in chain order.
   */
  static String fileName(String prefix, long number, Instant created) {
    return String.format("%s-%06d-%s%s", prefix, number, NAME_TIME.format(created), SUFFIX);
  }

  /** The number in a file name written by {@link #fileName}, or -1 for any other name. */
  static long fileNumber(String prefix, String name) {
    if (!name.startsWith(prefix + "-") || !name.endsWith(SUFFIX)) {
      return -1;
    }
    int start = prefix.length() + 1;
    int end = name.indexOf('-', start);
    if (end <= start) {
      return -1;
    }
    try {
      return Long.parseLong(name.substring(start, end));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The sink's files in the directory, by number. */
  static List<Path> trailFiles(Path directory, String prefix) throws IOException {
    TreeMap<Long, Path> files = new TreeMap<>();
    try (DirectoryStream<Path> entries =
        Files.newDirectoryStream(directory, prefix + "-*" + SUFFIX)) {
      for (Path entry : entries) {
        long number = fileNumber(prefix, entry.getFileName().toString());
        if (number >= 0 && Files.isRegularFile(entry)) {
          files.put(number, entry);
        }
      }
    }
    return new ArrayList<>(files.values());
  }

  static void readLines(Path file, LineHandler handler) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
      long number = 0;
      int b;
      while ((b = in.read()) != -1) {
        if (b == '\n') {
          handler.line(line.toByteArray(), ++number, true);
          line.reset();
        } else {
          if (line.size() >= MAX_LINE) {
            throw new IOException(
                "line "
                    + (number + 1)
                    + " of "
                    + file
                    + " is longer than "
                    + MAX_LINE
                    + " bytes; this is not an audit trail file");
          }
          line.write(b);
        }
      }
      if (line.size() > 0) {
        handler.line(line.toByteArray(), ++number, false);
      }
    }
  }

  /**
   * The end of a file: its last complete line, if any, and how many bytes follow it without a line
   * feed (what a crash in the middle of a write leaves).
   */
  record Tail(Optional<byte[]> lastLine, long truncatedBytes) {}

  static Tail readTail(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      int window = 1 << 16;
      while (true) {
        int length = (int) Math.min(size, window);
        ByteBuffer buffer = ByteBuffer.allocate(length);
        long start = size - length;
        while (buffer.hasRemaining() && channel.read(buffer, start + buffer.position()) >= 0) {
          // read until the window is full
        }
        byte[] bytes = buffer.array();
        int lastFeed = lastIndexOf(bytes, length - 1);
        if (lastFeed < 0 && start == 0) {
          return new Tail(Optional.empty(), size);
        }
        if (lastFeed >= 0) {
          int previousFeed = lastIndexOf(bytes, lastFeed - 1);
          if (previousFeed >= 0 || start == 0) {
            byte[] line = java.util.Arrays.copyOfRange(bytes, previousFeed + 1, lastFeed);
            return new Tail(Optional.of(line), length - 1 - lastFeed);
          }
        }
        if (window >= MAX_LINE * 2) {
          throw new IOException(
              "the last line of "
                  + file
                  + " is longer than "
                  + MAX_LINE
                  + " bytes; this is not an audit trail file");
        }
        window *= 2;
      }
    }
  }

  private static int lastIndexOf(byte[] bytes, int from) {
    for (int i = from; i >= 0; i--) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  static String sha256Hex(MessageDigest digest, byte[] line) {
    return HexFormat.of().formatHex(digest.digest(line));
  }
}
