package dev.geofence.filter.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A self-contained, tamper-evident audit trail: append-only JSON Lines files in one directory.
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
 * <p>Group commit: a request thread encodes its record with its own reused encoder and copies it
 * into the pending batch under a short lock, which also gives it a ticket. Chaining, hashing and
 * writing happen a batch at a time, by whichever thread leads: a request that must wait for its
 * record writes the pending batch itself when nobody else is writing (no hand-off to another
 * thread), otherwise it waits until the batch holding its ticket is written (and forced, at {@link
 * Durability#eachRecord()}); records nobody waits for are written by the sink's own thread. There
 * is no per-record latch: waiters share one condition, signalled once per batch. At an interval
 * durability the sink's thread forces the file, and forces and closes a file rotated away, after it
 * lets go of the write lock, so no waiting request waits for the disk's flush as well.
 *
 * <p>When the pending batch is full or the disk fails, {@link AuditSink#write} with a zero wait
 * counts the record as lost at once; with a positive wait it holds the caller until the record is
 * written. The sink's thread retries a failed write after {@link Builder#retryDelay(Duration)};
 * once it succeeds it first writes a {@code records_lost} line with the count. Thread-safe; call
 * {@link #close()} to flush and stop the sink's thread.
 */
public final class FileAuditSink implements AuditSink {

  /** Logger that receives each closed file's final hash, for anchoring outside the trail. */
  public static final String ANCHOR_LOGGER = "geofence.audit-anchor";

  private static final Logger LOG = LoggerFactory.getLogger(FileAuditSink.class);
  private static final Logger ANCHOR = LoggerFactory.getLogger(ANCHOR_LOGGER);
  // The sink's thread is woken early when this many records wait, so allowed records (which nobody
  // waits for) reach the OS in batches of about this size instead of one wake-up per record.
  private static final int WAKE_AT = 256;
  private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  // At an interval durability the current file's presence is looked up at most this often, not
  // before every batch: each look-up is a system call that walks the path (about 2 µs), and under
  // load a batch that a request leads holds a record or two. Lines written between a deletion and
  // its discovery are in the deleted file and are counted lost with the rest of it.
  private static final long PRESENCE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  // One write takes at most this much (more only for a single longer line), so a burst of queued
  // lines never grows the write buffer without bound.
  private static final int MAX_WRITE = 1 << 20;
  // A batch array grown past this by a burst is dropped once written, not kept for the sink's life.
  private static final int KEEP_BYTES = 1 << 22;

  private final Settings settings;
  private final LossCounter losses = new LossCounter();
  private final AtomicLong written = new AtomicLong();
  private final Thread writerThread;
  private final Writer writer;

  // Appending: request threads copy their line into `filling` and take the next ticket.
  private final ReentrantLock appendLock = new ReentrantLock();
  private final Condition notFull = appendLock.newCondition();
  private Batch filling = new Batch(); // guarded by appendLock
  private long tickets; // guarded by appendLock
  private boolean drained; // guarded by appendLock: the sink's thread has stopped taking records

  // Writing: held by the thread that leads one batch (a waiting request or the sink's thread).
  private final ReentrantLock writeLock = new ReentrantLock();

  // Waiting: tickets up to `writtenTicket` are on disk as the durability requires.
  private final ReentrantLock waitLock = new ReentrantLock();
  private final Condition advanced = waitLock.newCondition();
  private volatile int waiters;
  private volatile long writtenTicket;
  private volatile long abandonedFrom = Long.MAX_VALUE;

  private volatile boolean failing;
  private volatile boolean closed;
  private volatile AuditStats.Failure lastFailure;

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
      AuditOutput.Opener opener,
      Optional<Path> signingKey,
      int checkpointRecords,
      Duration checkpointInterval,
      String instance) {}

  /**
   * Encoded lines without their chain, back to back in one array: each ends with {@code }}}, where
   * the writer inserts the chain. Filled under the append lock, written under the write lock.
   */
  private static final class Batch {
    byte[] data = new byte[1 << 16];
    int size;
    int[] ends = new int[WAKE_AT];
    byte[] actions = new byte[WAKE_AT];
    int count;

    void add(byte[] line, int length, AuditAction action) {
      if (size + length > data.length) {
        data = Arrays.copyOf(data, Math.max(data.length * 2, size + length));
      }
      if (count == ends.length) {
        ends = Arrays.copyOf(ends, count * 2);
        actions = Arrays.copyOf(actions, count * 2);
      }
      System.arraycopy(line, 0, data, size, length);
      size += length;
      ends[count] = size;
      actions[count] = (byte) action.ordinal();
      count++;
    }

    int start(int i) {
      return i == 0 ? 0 : ends[i - 1];
    }

    void clear() {
      size = 0;
      count = 0;
      if (data.length > KEEP_BYTES) {
        data = new byte[1 << 16];
        ends = new int[WAKE_AT];
        actions = new byte[WAKE_AT];
      }
    }
  }

  private FileAuditSink(Settings settings) throws IOException {
    this.settings = settings;
    this.writer = new Writer();
    writer.start();
    this.writerThread = new Thread(this::runWriter, "geofence-audit-writer");
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
      return lose(record.action(), "the file sink is closed");
    }
    boolean waits = !(wait.isZero() || wait.isNegative());
    if (!waits && failing) {
      return lose(record.action(), "the audit file cannot be written: " + lastErrorMessage());
    }
    long deadline = waits ? System.nanoTime() + wait.toNanos() : 0;
    // Encoded before taking the lock, on this thread, into this thread's own buffer.
    AuditEncoder.Bytes line =
        AuditEncoder.forThisThread()
            .withNode(settings.instance)
            .encodeInPlace(record, privacy, Optional.empty());
    long ticket;
    int pending;
    appendLock.lock();
    try {
      while (filling.count >= settings.queueCapacity && !drained) {
        long left = deadline - System.nanoTime();
        if (!waits || left <= 0) {
          return lose(
              record.action(),
              waits ? "the audit queue stayed full for " + wait : "the audit queue is full");
        }
        notFull.awaitNanos(left);
      }
      if (drained) {
        return lose(record.action(), "the file sink is closed");
      }
      filling.add(line.array(), line.size(), record.action());
      ticket = ++tickets;
      pending = filling.count;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return lose(record.action(), "interrupted while the audit queue was full");
    } finally {
      appendLock.unlock();
    }
    if (!waits) {
      if (pending % WAKE_AT == 0) {
        LockSupport.unpark(writerThread);
      }
      return Delivery.QUEUED;
    }
    return awaitTicket(ticket, deadline);
  }

  /**
   * Holds the caller until its ticket is written: leads a batch itself when nobody is writing and
   * the disk works, otherwise waits for the leader's signal.
   */
  private Delivery awaitTicket(long ticket, long deadline) {
    while (true) {
      if (writtenTicket >= ticket) {
        return Delivery.WRITTEN;
      }
      if (ticket >= abandonedFrom) {
        return Delivery.LOST;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Delivery.TIMED_OUT;
      }
      if (!failing && writeLock.tryLock()) {
        try {
          lead();
        } catch (IOException | RuntimeException e) {
          writer.fail(
              e); // the sink's thread retries; this request keeps waiting until its deadline
        } finally {
          writeLock.unlock();
        }
        continue;
      }
      waitLock.lock();
      try {
        waiters++;
        try {
          if (writtenTicket < ticket && ticket < abandonedFrom) {
            advanced.awaitNanos(left);
          }
        } finally {
          waiters--;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return writtenTicket >= ticket ? Delivery.WRITTEN : Delivery.TIMED_OUT;
      } finally {
        waitLock.unlock();
      }
    }
  }

  /** Writes what is pending as one batch; the caller holds the write lock. */
  private void lead() throws IOException {
    if (writer.work.count == 0) {
      appendLock.lock();
      try {
        Batch taken = filling;
        filling = writer.work;
        writer.work = taken;
        writer.workDone = 0;
        notFull.signalAll();
      } finally {
        appendLock.unlock();
      }
    }
    writer.writeBatch();
  }

  /**
   * Forces the file taken as due; a failure makes it due again, for the retry, unless a leader
   * closed the file meanwhile (it found it deleted), which leaves nothing to force.
   */
  private void forceOutsideLock(AuditOutput due) throws IOException {
    try {
      due.force();
    } catch (IOException | RuntimeException e) {
      boolean current;
      writeLock.lock();
      try {
        current = writer.forceAgain(due);
      } finally {
        writeLock.unlock();
      }
      if (current || !(e instanceof ClosedChannelException)) {
        throw e;
      }
    }
  }

  /**
   * A file rotation left behind at an interval durability: forced and closed by the sink's thread
   * outside the write lock, then its final hash is logged as the anchor.
   */
  private record Retired(AuditOutput output, Path file, long records, long seq, String lastHash) {
    /** Forces and closes; a failure is logged, as the lines are written and nothing can redo it. */
    void closeOrLog() {
      try {
        close();
      } catch (IOException | RuntimeException e) {
        LOG.error("Could not force and close the audit file {}: {}", file, e.getMessage(), e);
      }
    }

    void close() throws IOException {
      try {
        output.force();
      } finally {
        output.close();
      }
      ANCHOR.info(
          "Closed audit file {} with {} records; last seq {}, last hash {}",
          file.getFileName(),
          records,
          seq,
          lastHash);
    }
  }

  /** Releases the requests waiting for tickets up to {@code upTo}. */
  private void advance(long upTo) {
    writtenTicket = upTo;
    if (waiters > 0) {
      waitLock.lock();
      try {
        advanced.signalAll();
      } finally {
        waitLock.unlock();
      }
    }
  }

  private Delivery lose(AuditAction action, String reason) {
    if (losses.add(action, settings.clock.instant(), reason)) {
      LOG.error(
          "Audit record lost ({}); further losses are counted and reported in a records_lost record "
              + "once the trail can be written again.",
          reason);
    }
    return Delivery.LOST;
  }

  @Override
  public AuditStats stats() {
    int queued;
    appendLock.lock();
    try {
      queued = filling.count;
    } finally {
      appendLock.unlock();
    }
    return AuditStats.of(written.get(), losses.total(), queued, lastFailure);
  }

  /** The last failure's message, for the reason of a loss; "unknown" before any is recorded. */
  private String lastErrorMessage() {
    AuditStats.Failure failure = lastFailure;
    return failure == null ? "unknown" : failure.message();
  }

  /**
   * Writes everything queued (retrying a failing disk for at most the close timeout), forces the
   * file, logs its final hash and stops the sink's thread. Records still queued after the timeout
   * are counted as lost and logged.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    LockSupport.unpark(writerThread);
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

  /**
   * The sink's own thread: writes records nobody waits for, forces at the durability's interval,
   * retries a failing disk, and drains everything at close.
   */
  private void runWriter() {
    long closeStarted = 0;
    while (true) {
      try {
        if (!closed) {
          LockSupport.parkNanos(this, failing ? settings.retryDelay.toNanos() : idleNanos());
        }
        boolean more;
        AuditOutput due;
        List<Retired> retired;
        writeLock.lock();
        try {
          do {
            lead(); // a burst larger than one write takes several
            more = writer.work.count > 0 || pendingCount() > 0;
          } while (writer.work.count > 0 || (more && closed));
          writer.checkpointIfDue();
          if (closed && !more && markDrained()) {
            writer.finish();
            return;
          }
          due = writer.takeForceIfDue();
          retired = writer.takeRetired();
        } finally {
          writeLock.unlock();
        }
        // Forcing takes tens of milliseconds on a busy disk; done under the write lock it held
        // every refusal waiting for its line that long, once a second (the p99 of a loaded
        // server). A file channel may be forced while another thread appends to it.
        for (Retired file : retired) {
          file.closeOrLog();
        }
        if (due != null) {
          forceOutsideLock(due);
        }
      } catch (IOException | RuntimeException e) {
        writer.fail(e);
        if (closed) {
          if (closeStarted == 0) {
            closeStarted = System.nanoTime();
          }
          if (System.nanoTime() - closeStarted >= settings.closeTimeout.toNanos()) {
            abandon(
                "the audit trail could not be written before the close timeout: "
                    + lastErrorMessage());
            return;
          }
          sleep(settings.retryDelay);
        }
      } catch (Error e) {
        LOG.error(
            "The audit writer thread stopped on an error; records can no longer be written.", e);
        lastFailure = new AuditStats.Failure(String.valueOf(e), settings.clock.instant());
        failing = true;
        throw e;
      }
    }
  }

  private long idleNanos() {
    if (settings.durability.isEachRecord()) {
      return IDLE_NANOS;
    }
    return Math.min(IDLE_NANOS, settings.durability.interval().toNanos());
  }

  private int pendingCount() {
    appendLock.lock();
    try {
      return filling.count;
    } finally {
      appendLock.unlock();
    }
  }

  /** Stops taking records if none arrived since the last batch; false when some did. */
  private boolean markDrained() {
    appendLock.lock();
    try {
      if (filling.count > 0) {
        return false;
      }
      drained = true;
      notFull.signalAll();
      return true;
    } finally {
      appendLock.unlock();
    }
  }

  /** Counts everything still pending as lost and releases its waiters. */
  private void abandon(String reason) {
    writeLock.lock();
    try {
      appendLock.lock();
      try {
        drained = true;
        for (Batch b : new Batch[] {writer.work, filling}) {
          for (int i = b == writer.work ? writer.workDone : 0; i < b.count; i++) {
            lose(AuditAction.values()[b.actions[i]], reason);
          }
          b.clear();
        }
        notFull.signalAll();
      } finally {
        appendLock.unlock();
      }
      abandonedFrom = writtenTicket + 1;
      advance(writtenTicket);
      writer.takeRetired().forEach(Retired::closeOrLog);
      writer.closeQuietly();
    } finally {
      writeLock.unlock();
    }
  }

  private static void sleep(Duration delay) {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      // keep going; close() does not interrupt
    }
  }

  /** State owned by the thread holding the write lock (and by the constructor before that). */
  private final class Writer {
    private final AuditEncoder encoder = new AuditEncoder();
    private final MessageDigest digest = AuditFiles.sha256();
    private final byte[] hash = new byte[32];
    private ByteBuffer out = ByteBuffer.allocateDirect(1 << 17);
    Batch work = new Batch();
    int workDone;
    private volatile Path file;
    private AuditOutput output;
    private long fileNumber;
    private long fileSize;
    private long fileRecords;
    private Instant rotateAt;
    private long seq;
    // The previous line's hash as the ASCII hex the next line carries; kept as bytes, no String.
    private final byte[] lastHash = new byte[64];
    private Optional<byte[]> restartLine = Optional.empty();
    private boolean dirty;
    private long lastForce = System.nanoTime();
    private long presenceCheckedAt = System.nanoTime(); // set again when a file is opened
    // Files rotated away at an interval durability, left to the sink's thread to force and close.
    private final List<Retired> retired = new ArrayList<>();
    // Signed checkpoints; all unused without a signing key.
    private final Signer signer;
    private final MessageDigest leafDigest = AuditFiles.sha256();
    private final MerkleTree.Frontier frontier = new MerkleTree.Frontier();
    private final List<byte[]> batchLeaves = new ArrayList<>();
    private long fileFirstSeq = -1;
    private String previousCheckpoint = AuditFiles.ORIGIN_HASH;
    private long lastCheckpoint = System.nanoTime();

    Writer() {
      encoder.withNode(settings.instance);
      System.arraycopy(ascii(AuditFiles.ORIGIN_HASH), 0, lastHash, 0, 64);
      signer = settings.signingKey.map(Signer::new).orElse(null);
    }

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
          System.arraycopy(ascii(AuditFiles.sha256Hex(digest, line)), 0, lastHash, 0, 64);
          if (signer != null) {
            previousCheckpoint = lastCheckpointHash(candidate);
          }
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
                    now, name, truncatedBytes, new AuditEncoder.Chain(seq + 1, lastHash())));
      }
      LOG.info(
          "Writing the audit trail to {}; the chain continues after seq {} with hash {}.",
          file,
          seq,
          lastHash());
    }

    String lastHash() {
      return new String(lastHash, StandardCharsets.US_ASCII);
    }

    /**
     * Writes the work batch (as much of it as fits in the current file), with a records_lost or
     * chain_restart line first when one is due, as one write and at most one force; then releases
     * the requests waiting for it.
     */
    void writeBatch() throws IOException {
      if (work.count == workDone && losses.pending().isEmpty() && restartLine.isEmpty()) {
        return;
      }
      Instant now = settings.clock.instant();
      if (output != null && presenceDue() && !Files.exists(file)) {
        vanished(now);
      }
      Optional<LossCounter.Pending> lost = losses.pending();
      if (output == null) {
        openNext(now);
      } else if (fileSize > 0 && !now.isBefore(rotateAt)) {
        rotate(now);
      }
      out.clear();
      batchLeaves.clear();
      long nextSeq = seq;
      byte[] nextHash = lastHash.clone();
      if (restartLine.isPresent()) {
        appendWhole(restartLine.get(), nextHash);
        nextSeq++;
      }
      if (lost.isPresent()) {
        LossCounter.Pending l = lost.get();
        appendWhole(
            encoder.encodeRecordsLost(
                now,
                l.count(),
                l.byAction(),
                l.since(),
                l.reason(),
                Optional.of(
                    new AuditEncoder.Chain(
                        ++nextSeq, new String(nextHash, StandardCharsets.US_ASCII)))),
            nextHash);
      }
      int taken = 0;
      for (int i = workDone; i < work.count; i++) {
        int from = work.start(i);
        int length = work.ends[i] - from;
        // The line loses its last "}}" and gains ,"audit":{"seq":N,"prev_hash":"…"}}} and \n.
        int lineLength = length + ChainSuffix.MAX_EXTRA;
        if (fileSize + out.position() + lineLength > settings.maxFileBytes
            && fileSize + out.position() > 0) {
          break; // the rest goes to the next file
        }
        if (taken > 0 && out.position() + lineLength + 1 > MAX_WRITE) {
          break; // the rest goes in the next write
        }
        ensureRoom(lineLength + 1);
        int lineStart = out.position();
        out.put(work.data, from, length - 2);
        ChainSuffix.put(out, ++nextSeq, nextHash);
        hashLine(lineStart, nextHash);
        out.put((byte) '\n');
        taken++;
      }
      int bytes = out.position();
      if (bytes > 0) {
        out.flip();
        try {
          output.write(out);
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
      fileSize += bytes;
      fileRecords += nextSeq - seq;
      if (signer != null) {
        if (fileFirstSeq < 0 && nextSeq > seq) {
          fileFirstSeq = seq + 1;
        }
        batchLeaves.forEach(frontier::add);
        uncheckpointed += nextSeq - seq;
      }
      seq = nextSeq;
      System.arraycopy(nextHash, 0, lastHash, 0, 64);
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
      workDone += taken;
      if (workDone == work.count) {
        work.clear();
        workDone = 0;
      }
      if (taken > 0) {
        advance(writtenTicket + taken);
      }
      checkpointIfDue();
      if (taken == 0 && work.count > workDone) {
        rotate(now); // the file is full: the next batch starts a new one
      }
    }

    /** Appends a line encoded whole by the writer's encoder (records_lost, chain_restart). */
    private void appendWhole(byte[] line, byte[] nextHash) {
      ensureRoom(line.length + 1);
      int lineStart = out.position();
      out.put(line);
      hashLine(lineStart, nextHash);
      out.put((byte) '\n');
    }

    /** Sets {@code into} to the hex SHA-256 of the bytes of {@code out} from {@code start}. */
    private void hashLine(int start, byte[] into) {
      ByteBuffer line = out.duplicate();
      line.flip().position(start);
      digest.update(line);
      try {
        digest.digest(hash, 0, 32);
      } catch (java.security.DigestException e) {
        throw new IllegalStateException(e); // cannot happen: the array holds 32 bytes
      }
      ChainSuffix.hex(hash, into);
      if (signer != null) {
        batchLeaves.add(MerkleTree.leafHash(leafDigest, hash));
      }
    }

    private void ensureRoom(int bytes) {
      if (out.remaining() < bytes) {
        ByteBuffer bigger =
            ByteBuffer.allocateDirect(Math.max(out.capacity() * 2, out.position() + bytes));
        out.flip();
        bigger.put(out);
        out = bigger;
      }
    }

    /** Writes a checkpoint when enough lines or time have passed since the last one. */
    void checkpointIfDue() throws IOException {
      if (signer == null || output == null || frontier.size() == 0) {
        return;
      }
      if (uncheckpointed >= settings.checkpointRecords
          || (uncheckpointed > 0
              && System.nanoTime() - lastCheckpoint >= settings.checkpointInterval.toNanos())) {
        checkpoint(settings.clock.instant());
      }
    }

    private long uncheckpointed; // lines of this file written since its last checkpoint

    /**
     * Signs the tree over the current file's lines so far and appends the checkpoint line; nothing
     * when no line was written since the last checkpoint.
     */
    private void checkpoint(Instant now) throws IOException {
      if (signer == null || output == null || frontier.size() == 0 || uncheckpointed == 0) {
        return;
      }
      signer.reloadIfChanged();
      Checkpoint unsigned =
          new Checkpoint(
              settings.instance,
              fileFirstSeq,
              seq,
              HexFormat.of().formatHex(frontier.root()),
              previousCheckpoint,
              UtcMillis.FORMATTER.format(now),
              signer.keyId,
              lastHash(),
              "");
      Checkpoint signed = signer.sign(unsigned);
      byte[] line = encoder.encodeCheckpoint(signed);
      out.clear();
      ensureRoom(line.length + 1);
      out.put(line).put((byte) '\n').flip();
      try {
        output.write(out);
        if (settings.durability.isEachRecord()) {
          output.force();
        } else {
          dirty = true;
        }
      } catch (IOException e) {
        undo();
        throw e;
      }
      byte[] lineHash = digest.digest(line);
      fileSize += line.length + 1;
      fileRecords++;
      seq++;
      ChainSuffix.hex(lineHash, lastHash);
      frontier.add(MerkleTree.leafHash(leafDigest, lineHash));
      previousCheckpoint = lastHash();
      uncheckpointed = 0;
      lastCheckpoint = System.nanoTime();
      ANCHOR.info("{}", new String(line, StandardCharsets.UTF_8));
    }

    /** The hash of the last checkpoint line in the file, or the origin hash when it has none. */
    private String lastCheckpointHash(Path file) throws IOException {
      String[] found = {AuditFiles.ORIGIN_HASH};
      MessageDigest d = AuditFiles.sha256();
      AuditFiles.readLines(
          file,
          (bytes, number, terminated) -> {
            if (terminated && AuditLine.parse(bytes).filter(AuditLine::isCheckpoint).isPresent()) {
              found[0] = AuditFiles.sha256Hex(d, bytes);
            }
          });
      return found[0];
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
                        new AuditEncoder.Chain(seq + 1, lastHash())));
          }
        } catch (IOException unreadable) {
          LOG.debug("Cannot read the size of {}", file, unreadable);
        }
      }
    }

    /**
     * The file to force now, when lines were written since the last force and the interval has
     * passed; counted as forced from now on, so the caller must force it or call {@link
     * #forceAgain}.
     */
    AuditOutput takeForceIfDue() {
      if (dirty && System.nanoTime() - lastForce >= settings.durability.interval().toNanos()) {
        dirty = false;
        lastForce = System.nanoTime();
        return output;
      }
      return null;
    }

    /**
     * A force taken by {@link #takeForceIfDue} failed: due again if the file is still the one
     * written to.
     *
     * @return whether it is
     */
    boolean forceAgain(AuditOutput failed) {
      if (failed == output) {
        dirty = true;
        return true;
      }
      return false;
    }

    /** Files rotated away and not yet forced and closed; the caller forces and closes them. */
    List<Retired> takeRetired() {
      if (retired.isEmpty()) {
        return List.of();
      }
      List<Retired> taken = List.copyOf(retired);
      retired.clear();
      return taken;
    }

    private void rotate(Instant now) throws IOException {
      if (output != null) {
        checkpoint(now);
        Retired old = new Retired(output, file, fileRecords, seq, lastHash());
        dirty = false;
        output = null;
        if (settings.durability.isEachRecord()) {
          old.close(); // every line is forced already: this is quick
        } else {
          // A request thread may be leading this batch: the sink's thread forces and closes the
          // old file, so no request waits for that.
          retired.add(old);
          LockSupport.unpark(writerThread);
        }
      }
      openNext(now);
    }

    /**
     * Whether the current file's presence is to be looked up before this batch: always at {@link
     * Durability#eachRecord()}, otherwise at most every 100 ms ({@code PRESENCE_CHECK_NANOS}).
     */
    private boolean presenceDue() {
      if (settings.durability.isEachRecord()) {
        return true; // a forced line must be in a file that is still there
      }
      long now = System.nanoTime();
      if (now - presenceCheckedAt < PRESENCE_CHECK_NANOS) {
        return false;
      }
      presenceCheckedAt = now;
      return true;
    }

    /**
     * The current file was deleted (or its directory removed) under the writer: what it held is
     * gone, and lines written to it now would vanish with it. Its lines are counted as lost, so the
     * next file starts with a records_lost line saying so, and the chain goes on from the last line
     * written; verifying the trail shows the break there, as it should for deleted records. Looked
     * up per batch at {@link Durability#eachRecord()}, at most every 100 ms otherwise; never per
     * record.
     */
    private void vanished(Instant now) {
      String name = file.getFileName().toString();
      LOG.error(
          "The audit file {} was deleted while being written; its {} lines are gone. The trail "
              + "continues in a new file that starts with a records_lost record.",
          file,
          fileRecords);
      closeQuietly();
      if (fileRecords > 0) {
        losses.addAll(
            fileRecords, now, "the audit file " + name + " was deleted while being written");
      }
      fileRecords = 0;
    }

    private void openNext(Instant now) throws IOException {
      // Created again when it was removed; the retry after a failure comes back here.
      Files.createDirectories(settings.directory);
      long number = fileNumber + 1;
      Path next = settings.directory.resolve(AuditFiles.fileName(settings.prefix, number, now));
      output = settings.opener.open(next);
      fileNumber = number; // a failed open does not use up a file number
      file = next;
      presenceCheckedAt = System.nanoTime(); // just made, so there
      fileSize = 0;
      fileRecords = 0;
      fileFirstSeq = -1;
      frontier.clear();
      uncheckpointed = 0;
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

    /** Records a failure, logging it once per episode. */
    void fail(Exception e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (!failing) {
        LOG.error(
            "Cannot write the audit trail {}: {}; retrying every {}.",
            file,
            message,
            settings.retryDelay,
            e);
      }
      lastFailure = new AuditStats.Failure(message, settings.clock.instant());
      failing = true;
    }

    void finish() {
      try {
        for (Retired old : takeRetired()) {
          old.closeOrLog();
        }
        if (output != null) {
          checkpoint(settings.clock.instant());
          output.force();
          output.close();
          output = null;
          ANCHOR.info(
              "Closed audit file {} with {} records; last seq {}, last hash {}",
              file.getFileName(),
              fileRecords,
              seq,
              lastHash());
        }
      } catch (IOException e) {
        LOG.error("Could not force and close the audit file {}: {}", file, e.getMessage(), e);
      }
    }

    void closeQuietly() {
      if (output != null) {
        try {
          output.close();
        } catch (IOException e) {
          LOG.debug("Closing {} failed", file, e);
        }
        output = null;
      }
    }
  }

  /**
   * The signing key, read again when its file changes, so a new key takes effect at the next
   * checkpoint without a restart. Used by the thread holding the write lock.
   */
  private static final class Signer {
    private final Path file;
    private PrivateKey key;
    private String keyId;
    private FileTime modified;

    Signer(Path file) {
      this.file = file;
      try {
        load();
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "cannot read the audit signing key " + file + ": " + e.getMessage(), e);
      }
    }

    private void load() throws IOException {
      FileTime time = Files.getLastModifiedTime(file);
      PrivateKey read = AuditKeys.readPrivateKey(file);
      String id = AuditKeys.keyId(AuditKeys.publicKeyOf(read));
      if (keyId != null && !keyId.equals(id)) {
        LOG.info(
            "The audit signing key {} changed: checkpoints are now signed by key {}.", file, id);
      }
      key = read;
      keyId = id;
      modified = time;
    }

    void reloadIfChanged() {
      try {
        if (!Files.getLastModifiedTime(file).equals(modified)) {
          load();
        }
      } catch (IOException | RuntimeException e) {
        LOG.error(
            "Cannot read the audit signing key {} again ({}); checkpoints stay signed by key {}.",
            file,
            e.getMessage(),
            keyId);
      }
    }

    Checkpoint sign(Checkpoint unsigned) {
      return unsigned.signedWith(key);
    }
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
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
    private Optional<Path> signingKey = Optional.empty();
    private int checkpointRecords = 10_000;
    private Duration checkpointInterval = Duration.ofSeconds(60);
    private String instance = Instances.defaultName();

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

    /**
     * Signs checkpoints with this Ed25519 private key (a PKCS#8 PEM file, as {@link AuditKeys}
     * writes it): every {@link #checkpointEvery(int, Duration)} records or seconds, at every
     * rotation and at close. The file is read again when it changes, so a new key takes effect at
     * the next checkpoint. Default: no checkpoints.
     *
     * @throws IllegalArgumentException naming the file when it is not such a key
     */
    public Builder signingKey(Path privateKeyFile) {
      Objects.requireNonNull(privateKeyFile, "privateKeyFile");
      try {
        AuditKeys.publicKeyOf(AuditKeys.readPrivateKey(privateKeyFile));
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException(
            "cannot read the audit signing key " + privateKeyFile + ": " + e.getMessage(), e);
      }
      this.signingKey = Optional.of(privateKeyFile);
      return this;
    }

    /**
     * A checkpoint after this many lines or this much time, whichever comes first; 1 to 10,000,000
     * lines and 1 second to 1 day. Default 10,000 lines and 60 seconds.
     */
    public Builder checkpointEvery(int records, Duration interval) {
      if (records < 1 || records > 10_000_000) {
        throw new IllegalArgumentException(
            "checkpoint every " + records + " records is out of range; expected 1 to 10000000");
      }
      this.checkpointInterval =
          checkRange("checkpoint interval", interval, Duration.ofSeconds(1), Duration.ofDays(1));
      this.checkpointRecords = records;
      return this;
    }

    /**
     * The name of this instance, written in every line as ECS {@code service.node.name}, so trails
     * collected from a fleet can be told apart and verified per instance; 1 to 255 printable
     * characters. Default the host name.
     */
    public Builder instance(String name) {
      this.instance = Instances.check(name);
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
              opener,
              signingKey,
              checkpointRecords,
              checkpointInterval,
              instance);
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
