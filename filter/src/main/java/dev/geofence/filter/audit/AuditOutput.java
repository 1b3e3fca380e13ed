package dev.geofence.filter.audit;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The append-only file the {@link FileAuditSink} writer thread writes to. An interface so tests can
 * put a failing output between the writer and a real file. Written, cut back and opened by one
 * thread at a time; {@link #force()} may run on the sink's thread while another thread writes, as a
 * {@link FileChannel} allows.
 */
interface AuditOutput extends Closeable {

  /** Opens a new output file; fails if the file exists, so a trail is never overwritten. */
  interface Opener {
    AuditOutput open(Path file) throws IOException;
  }

  /** Writes all remaining bytes of the buffer at the end of the file. */
  void write(ByteBuffer bytes) throws IOException;

  /** Forces written bytes to the storage device. */
  void force() throws IOException;

  /** Cuts the file back to the given size, undoing a partly written batch. */
  void truncate(long size) throws IOException;

  /** Opens real files with a {@link FileChannel} in append mode. */
  static AuditOutput openFile(Path file) throws IOException {
    FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
    return new AuditOutput() {
      @Override
      public void write(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
      }

      @Override
      public void force() throws IOException {
        // force(false) is fdatasync: the data and the file length, which is all a reader needs.
        channel.force(false);
      }

      @Override
      public void truncate(long size) throws IOException {
        channel.truncate(size);
      }

      @Override
      public void close() throws IOException {
        channel.close();
      }
    };
  }
}
