package dev.geofence.filter.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A self-contained, tamper-evident audit trail: append-only JSON Lines files in one directory,
 * written by a single writer thread from a bounded queue.
 *
 * <p>Every line carries {@code geofence.audit.seq} (1, 2, 3, … across files and restarts) and
 * {@code geofence.audit.prev_hash}, the hex SHA-256 of the previous line's exact bytes (64 zeros
 * for the first line of a trail), so editing, deleting or reordering a line breaks the chain; see
 * {@link AuditChainVerifier}. Files are named {@code <prefix>-<number>-<created>.jsonl} and rotated
 * by size and by time; each file's last hash is logged at INFO to the logger {@code
 * geofence.audit-anchor} when it is closed, so it can be kept elsewhere as an anchor. A new sink
 * never appends to an old file: it reads the tail of the newest one and continues the chain in a
 * new file, starting with a {@code chain_restart} line if a crash left that tail cut short.
 *
 * <p>When the queue is full or the disk fails, {@link AuditSink#write} with a zero wait counts the
 * record as lost at once; with a positive wait it holds the caller until the record is written. The
 * writer retries a failed write after {@link Builder#retryDelay(Duration)}; once it succeeds it
 * first writes a {@code records_lost} line with the count. Thread-safe; call {@link #close()} to
 * flush and stop the writer thread.
 */
public final class FileAuditSink implements AuditSink {

  /** Logger that receives each closed file's final hash, for anchoring outside the trail. */
  public static final String ANCHOR_LOGGER = "geofence.audit-anchor";

  private static final Logger LOG = LoggerFactory.getLogger(FileAuditSink.class);
  private static final Logger ANCHOR = LoggerFactory.getLogger(ANCHOR_LOGGER);
  private static final int MAX_BATCH = 256;
  private static final Item WAKE = new Item(null, null, null);

  private final Settings settings;
  private final BlockingQueue<Item> queue;
  private final LossCounter losses = new LossCounter();
  private final AtomicLong written = new AtomicLong();
  private final Thread writerThread;
  private final Writer writer;
  private volatile boolean failing;
  private volatile boolean closed;
  private volatile String lastError;

  /** The builder's settings, copied at {@link Builder#build()}. */
  private record Settings(
      Path directory,
      String prefix,
      long maxFileBytes,
      Duration rotateEvery,
      Durability durability,
      int queueCapacity,
      Duration retryDelay,
      Duration closeTimeout,
      Clock clock,
      AuditOutput.Opener opener) {}

  /** One queued record; {@code done} is null when nobody waits for it. */
  private static final class Item {
    final AuditRecord record;
    final IpPrivacy privacy;
    final CountDownLatch done;
    volatile boolean written;

    Item(AuditRecord record, IpPrivacy privacy, CountDownLatch done) {
      this.record = record;
      this.privacy = privacy;
      this.done = done;
    }

    void finish(boolean ok) {
      written = ok;
      if (done != null) {
        done.countDown();
      }
    }
  }

  private FileAuditSink(Settings settings) throws IOException {
    this.settings = settings;
    this.queue = new ArrayBlockingQueue<>(settings.queueCapacity);
    this.writer = new Writer();
    writer.start();
    this.writerThread = new Thread(writer::run, "geofence-audit-writer");
    writerThread.setDaemon(true);
    writerThread.start();
  }

  /** Starts a builder for a sink writing into the directory (created when missing). */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  @Override
  public Delivery write(AuditRecord record, IpPrivacy privacy, Duration wait) {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(privacy, "privacy");
    Objects.requireNonNull(wait, "wait");
    if (closed) {
      return lose(record, "the file sink is closed");
    }
    if (wait.isZero() || wait.isNegative()) {
      if (failing) {
        return lose(record, "the audit file cannot be written: " + lastError);
      }
      Item item = new Item(record, privacy, null);
      return queue.offer(item)
          ? accepted(item, Delivery.QUEUED)
          : lose(record, "the audit queue is full");
    }
    long deadline = System.nanoTime() + wait.toNanos();
    Item item = new Item(record, privacy, new CountDownLatch(1));
    try {
      if (!queue.offer(item, wait.toNanos(), TimeUnit.NANOSECONDS)) {
        return lose(record, "the audit queue stayed full for " + wait);
      }
      if (accepted(item, Delivery.QUEUED) == Delivery.LOST) {
        return Delivery.LOST;
      }
      if (!item.done.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        return Delivery.TIMED_OUT;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return item.written ? Delivery.WRITTEN : Delivery.TIMED_OUT;
    }
    return item.written ? Delivery.WRITTEN : Delivery.LOST;
  }

  /** Catches the race where a record is queued just as the writer drains for the last time. */
  private Delivery accepted(Item item, Delivery delivery) {
    if (closed && !writerThread.isAlive() && queue.remove(item)) {
      return lose(item.record, "the file sink is closed");
    }
    return delivery;
  }

  private Delivery lose(AuditRecord record, String reason) {
    if (losses.add(record.action(), settings.clock.instant(), reason)) {
      LOG.error(
          "Audit record lost ({}); further losses are counted and reported in a records_lost record "
              + "once the trail can be written again.",
          reason);
    }
    return Delivery.LOST;
  }

  @Override
  public AuditStats stats() {
    return new AuditStats(
        written.get(), losses.total(), queue.size(), Optional.ofNullable(lastError));
  }

  /**
   * Writes everything queued (retrying a failing disk for at most the close timeout), forces the
   * file, logs its final hash and stops the writer thread. Records still queued after the timeout
   * are counted as lost and logged.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    queue.offer(WAKE);
    try {
      writerThread.join(settings.closeTimeout.toMillis() + settings.retryDelay.toMillis() + 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writerThread.isAlive()) {
      LOG.error(
          "The audit writer thread did not stop within {}; the last records may not be on disk.",
          settings.closeTimeout);
    }
  }

  /** The file being written now; for tests and status pages. */
  Path currentFile() {
    return writer.file;
  }

  @Override
  public String toString() {
    return "FileAuditSink[" + settings.directory + ", " + settings.durability + "]";
  }

  /** State owned by the writer thread (and by the constructor before the thread starts). */
  private final class Writer {
    private final AuditEncoder encoder = new AuditEncoder();
    private final MessageDigest digest = AuditFiles.sha256();
    private final ByteArrayOutputStream batch = new ByteArrayOutputStream(1 << 16);
    private final ArrayDeque<Item> work = new ArrayDeque<>();
    private volatile Path file;
    private AuditOutput output;
    private long fileNumber;
    private long fileSize;
    private long fileRecords;
    private Instant rotateAt;
    private long seq;
    private String lastHash = AuditFiles.ORIGIN_HASH;
    private Optional<byte[]> restartLine = Optional.empty();
    private boolean dirty;
    private long lastForce = System.nanoTime();
    private long closeStarted;

    /** Recovers the chain from the newest existing file and opens a new one. */
    void start() throws IOException {
      Files.createDirectories(settings.directory);
      List<Path> existing = AuditFiles.trailFiles(settings.directory, settings.prefix);
      Optional<Path> truncatedFile = Optional.empty();
      long truncatedBytes = 0;
      for (int i = existing.size() - 1; i >= 0; i--) {
        Path candidate = existing.get(i);
        fileNumber =
            Math.max(
                fileNumber,
                AuditFiles.fileNumber(settings.prefix, candidate.getFileName().toString()));
        AuditFiles.Tail tail = AuditFiles.readTail(candidate);
        if (tail.truncatedBytes() > 0 && truncatedFile.isEmpty()) {
          truncatedFile = Optional.of(candidate);
          truncatedBytes = tail.truncatedBytes();
        }
        if (tail.lastLine().isPresent()) {
          byte[] line = tail.lastLine().get();
          AuditLine parsed =
              AuditLine.parse(line)
                  .filter(AuditLine::isChained)
                  .orElseThrow(
                      () ->
                          new IOException(
                              "the last complete line of "
                                  + candidate
                                  + " is not a chained audit record, so the "
                                  + "chain cannot be continued; check it with 'geofence audit verify' and move it away"));
          seq = parsed.seq();
          lastHash = AuditFiles.sha256Hex(digest, line);
          break;
        }
      }
      Instant now = settings.clock.instant();
      openNext(now);
      if (truncatedFile.isPresent()) {
        String name = truncatedFile.get().getFileName().toString();
        LOG.warn(
            "The audit file {} ends with {} bytes of an incomplete line, probably from a crash; the chain "
                + "continues from its last complete line after a chain_restart record.",
            name,
            truncatedBytes);
        restartLine =
            Optional.of(
                encoder.encodeChainRestart(
                    now, name, truncatedBytes, new AuditEncoder.Chain(seq + 1, lastHash)));
      }
      LOG.info(
          "Writing the audit trail to {}; the chain continues after seq {} with hash {}.",
          file,
          seq,
          lastHash);
    }

    void run() {
      while (true) {
        try {
          if (work.isEmpty()) {
            // Once closing, nothing new is coming: do not wait for more.
            Item first = queue.poll(closed ? 0 : pollMillis(), TimeUnit.MILLISECONDS);
            if (first != null) {
              work.add(first);
              queue.drainTo(work, MAX_BATCH - 1);
            }
            work.removeIf(item -> item == WAKE);
          }
          if (!work.isEmpty() || restartLine.isPresent()) {
            writeBatch();
          } else if (closed && queue.isEmpty()) {
            finish();
            return;
          }
          forceIfDue();
        } catch (IOException | RuntimeException e) {
          if (fail(e)) {
            return;
          }
        } catch (InterruptedException e) {
          // Nobody interrupts this thread on purpose; keep writing until closed.
        } catch (Error e) {
          LOG.error(
              "The audit writer thread stopped on an error; records can no longer be written.", e);
          lastError = String.valueOf(e);
          failing = true;
          throw e;
        }
      }
    }

    private long pollMillis() {
      if (settings.durability.isEachRecord()) {
        return 1000;
      }
      return Math.max(1, Math.min(1000, settings.durability.interval().toMillis()));
    }

    /**
     * Writes as many queued records as fit in the current file, as one write and at most one force.
     */
    private void writeBatch() throws IOException {
      Instant now = settings.clock.instant();
      if (output == null) {
        openNext(now);
      } else if (fileSize > 0 && !now.isBefore(rotateAt)) {
        rotate(now);
      }
      Optional<LossCounter.Pending> lost = losses.pending();
      batch.reset();
      long nextSeq = seq;
      String nextHash = lastHash;
      if (restartLine.isPresent()) {
        nextHash = append(restartLine.get());
        nextSeq++;
      }
      if (lost.isPresent()) {
        LossCounter.Pending l = lost.get();
        nextHash =
            append(
                encoder.encodeRecordsLost(
                    now,
                    l.count(),
                    l.byAction(),
                    l.since(),
                    l.reason(),
                    Optional.of(new AuditEncoder.Chain(++nextSeq, nextHash))));
      }
      int taken = 0;
      for (Item item : work) {
        byte[] line =
            encoder.encode(
                item.record,
                item.privacy,
                Optional.of(new AuditEncoder.Chain(nextSeq + 1, nextHash)));
        if (fileSize + batch.size() + line.length + 1 > settings.maxFileBytes
            && fileSize + batch.size() > 0) {
          break; // the rest goes to the next file
        }
        nextHash = append(line);
        nextSeq++;
        taken++;
      }
      if (batch.size() > 0) {
        try {
          output.write(ByteBuffer.wrap(batch.toByteArray()));
          if (settings.durability.isEachRecord()) {
            output.force();
          } else {
            dirty = true;
          }
        } catch (IOException e) {
          undo();
          throw e;
        }
      }
      // Committed: advance the chain, then release the waiting requests.
      fileSize += batch.size();
      fileRecords += nextSeq - seq;
      seq = nextSeq;
      lastHash = nextHash;
      restartLine = Optional.empty();
      if (failing) {
        failing = false;
        LOG.warn("The audit trail {} can be written again.", file);
      }
      if (lost.isPresent()) {
        losses.reported(lost.get());
        LOG.error(
            "{} audit records were lost since {} ({}); a records_lost record was written to {}.",
            lost.get().count(),
            lost.get().since(),
            lost.get().reason(),
            file);
      }
      written.addAndGet(taken);
      for (int i = 0; i < taken; i++) {
        work.poll().finish(true);
      }
      if (taken == 0 && !work.isEmpty()) {
        rotate(now); // the file is full: the next batch starts a new one
      }
    }

    private String append(byte[] line) {
      batch.write(line, 0, line.length);
      batch.write('\n');
      return AuditFiles.sha256Hex(digest, line);
    }

    /** Cuts a partly written batch off the file, so the retry does not leave half a line behind. */
    private void undo() {
      try {
        output.truncate(fileSize);
      } catch (IOException e) {
        LOG.debug(
            "Could not cut {} back to {} bytes; the retry reopens the trail in a new file.",
            file,
            fileSize,
            e);
        closeQuietly();
        try {
          long partial = Files.size(file) - fileSize;
          if (partial > 0) {
            // The new file starts by saying how much of this one is an incomplete line.
            restartLine =
                Optional.of(
                    encoder.encodeChainRestart(
                        settings.clock.instant(),
                        file.getFileName().toString(),
                        partial,
                        new AuditEncoder.Chain(seq + 1, lastHash)));
          }
        } catch (IOException unreadable) {
          LOG.debug("Cannot read the size of {}", file, unreadable);
        }
      }
    }

    private void forceIfDue() throws IOException {
      if (dirty && System.nanoTime() - lastForce >= settings.durability.interval().toNanos()) {
        output.force();
        dirty = false;
        lastForce = System.nanoTime();
      }
    }

    private void rotate(Instant now) throws IOException {
      if (output != null) {
        output.force();
        dirty = false;
        output.close();
        output = null;
        ANCHOR.info(
            "Closed audit file {} with {} records; last seq {}, last hash {}",
            file.getFileName(),
            fileRecords,
            seq,
            lastHash);
      }
      openNext(now);
    }

    private void openNext(Instant now) throws IOException {
      fileNumber++;
      Path next = settings.directory.resolve(AuditFiles.fileName(settings.prefix, fileNumber, now));
      output = settings.opener.open(next);
      file = next;
      fileSize = 0;
      fileRecords = 0;
      long period = settings.rotateEvery.toMillis();
      // Aligned to the epoch, so daily files turn over at midnight UTC whenever the sink started.
      rotateAt = Instant.ofEpochMilli((now.toEpochMilli() / period + 1) * period);
      syncDirectory();
    }

    /** Makes the new file's directory entry durable too; not every platform can do this. */
    private void syncDirectory() {
      if (!settings.durability.isEachRecord()) {
        return;
      }
      try (FileChannel dir = FileChannel.open(settings.directory, StandardOpenOption.READ)) {
        dir.force(true);
      } catch (IOException | UnsupportedOperationException e) {
        LOG.debug(
            "Cannot force the directory {}; the file system does not support it.",
            settings.directory,
            e);
      }
    }

    /** Records a failure; returns true when the writer should stop (closing and out of time). */
    private boolean fail(Exception e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (!failing) {
        LOG.error(
            "Cannot write the audit trail {}: {}; retrying every {}.",
            file,
            message,
            settings.retryDelay,
            e);
      }
      lastError = message;
      failing = true;
      if (closed && giveUpAt() <= System.nanoTime()) {
        abandon("the audit trail could not be written before the close timeout: " + message);
        return true;
      }
      sleep(settings.retryDelay);
      return false;
    }

    private long giveUpAt() {
      if (closeStarted == 0) {
        closeStarted = System.nanoTime();
      }
      return closeStarted + settings.closeTimeout.toNanos();
    }

    private void abandon(String reason) {
      Item item;
      while ((item = work.poll()) != null || (item = queue.poll()) != null) {
        if (item != WAKE) {
          lose(item.record, reason);
          item.finish(false);
        }
      }
      closeQuietly();
    }

    private void finish() {
      try {
        if (output != null) {
          output.force();
          output.close();
          output = null;
          ANCHOR.info(
              "Closed audit file {} with {} records; last seq {}, last hash {}",
              file.getFileName(),
              fileRecords,
              seq,
              lastHash);
        }
      } catch (IOException e) {
        LOG.error("Could not force and close the audit file {}: {}", file, e.getMessage(), e);
      }
    }

    private void closeQuietly() {
      if (output != null) {
        try {
          output.close();
        } catch (IOException e) {
          LOG.debug("Closing {} failed", file, e);
        }
        output = null;
      }
    }

    private void sleep(Duration delay) {
      try {
        Thread.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        // keep going; close() does not interrupt
      }
    }
  }

  /**
   * Builds a {@link FileAuditSink}. Each option is checked when set ({@link
   * IllegalArgumentException} with the value); not thread-safe.
   */
  public static final class Builder {
    private final Path directory;
    private String prefix = "audit";
    private long maxFileBytes = 100L * 1024 * 1024;
    private Duration rotateEvery = Duration.ofDays(1);
    private Durability durability = Durability.every(Duration.ofSeconds(1));
    private int queueCapacity = 8192;
    private Duration retryDelay = Duration.ofSeconds(1);
    private Duration closeTimeout = Duration.ofSeconds(5);
    private Clock clock = Clock.systemUTC();
    private AuditOutput.Opener opener = AuditOutput::openFile;

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** Start of every file name; letters, digits, dot and underscore. Default {@code audit}. */
    public Builder filePrefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (prefix.isEmpty()
          || !prefix.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '.' || c == '_')) {
        throw new IllegalArgumentException(
            "file prefix '" + prefix + "' is not accepted; use letters, digits, '.' and '_'");
      }
      this.prefix = prefix;
      return this;
    }

    /** Rotate before a file would grow past this size; at least 4096 bytes. Default 100 MiB. */
    public Builder maxFileSize(long bytes) {
      if (bytes < 4096) {
        throw new IllegalArgumentException(
            "maximum file size " + bytes + " bytes is too small; expected at least 4096");
      }
      this.maxFileBytes = bytes;
      return this;
    }

    /**
     * Start a new file each period, aligned to the epoch in UTC (a day turns over at midnight UTC);
     * at least one second. Default one day.
     */
    public Builder rotateEvery(Duration period) {
      Objects.requireNonNull(period, "period");
      if (period.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException(
            "rotation period " + period + " is too short; expected at least PT1S");
      }
      this.rotateEvery = period;
      return this;
    }

    /**
     * When lines are forced to the device. Default {@code Durability.every(Duration.ofSeconds(1))}.
     */
    public Builder durability(Durability durability) {
      this.durability = Objects.requireNonNull(durability, "durability");
      return this;
    }

    /** Records that may wait for the writer thread; 1 to 1,048,576. Default 8192. */
    public Builder queueCapacity(int capacity) {
      if (capacity < 1 || capacity > 1 << 20) {
        throw new IllegalArgumentException(
            "queue capacity " + capacity + " is out of range; expected 1 to 1048576");
      }
      this.queueCapacity = capacity;
      return this;
    }

    /** Pause before retrying a failed write; 1 ms to 1 minute. Default 1 second. */
    public Builder retryDelay(Duration delay) {
      this.retryDelay =
          checkRange("retry delay", delay, Duration.ofMillis(1), Duration.ofMinutes(1));
      return this;
    }

    /**
     * How long {@link #close()} keeps retrying a failing disk; 0 to 10 minutes. Default 5 seconds.
     */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout =
          checkRange("close timeout", timeout, Duration.ZERO, Duration.ofMinutes(10));
      return this;
    }

    /**
     * Time source for rotation, file names and records_lost lines. Default the UTC system clock.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How output files are opened; lets tests put a failing output in front of the file. */
    Builder opener(AuditOutput.Opener opener) {
      this.opener = Objects.requireNonNull(opener, "opener");
      return this;
    }

    /**
     * Recovers the chain from the newest file in the directory, opens a new file and starts the
     * writer thread.
     *
     * @throws UncheckedIOException when the directory cannot be created or read, the newest file
     *     does not end in a chained record, or the new file cannot be created
     */
    public FileAuditSink build() {
      Settings settings =
          new Settings(
              directory,
              prefix,
              maxFileBytes,
              rotateEvery,
              durability,
              queueCapacity,
              retryDelay,
              closeTimeout,
              clock,
              opener);
      try {
        return new FileAuditSink(settings);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot start the audit trail in " + directory + ": " + e.getMessage(), e);
      }
    }

    private static Duration checkRange(String what, Duration value, Duration min, Duration max) {
      Objects.requireNonNull(value, what);
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(
            what + " " + value + " is out of range; expected " + min + " to " + max);
      }
      return value;
    }
  }
}
