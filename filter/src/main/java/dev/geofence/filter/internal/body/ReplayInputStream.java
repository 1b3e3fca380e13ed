package dev.geofence.filter.internal.body;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * A servlet input stream over a captured body. Always ready; a {@link ReadListener} is driven on a
 * container thread through {@link AsyncContext#start(Runnable)}, as for a body that has fully
 * arrived. Used by one request thread at a time, like the container's own stream.
 */
final class ReplayInputStream extends ServletInputStream {
  private final CapturedBody body;
  private final ServletRequest request;
  private int position;
  private ReadListener listener;

  ReplayInputStream(CapturedBody body, ServletRequest request) {
    this.body = body;
    this.request = request;
  }

  @Override
  public int read() {
    return position < body.length() ? body.array()[position++] & 0xFF : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    int n = Math.min(len, body.length() - position);
    if (n <= 0) {
      return -1;
    }
    System.arraycopy(body.array(), position, b, off, n);
    position += n;
    return n;
  }

  @Override
  public long skip(long n) {
    long skipped = Math.max(0, Math.min(n, body.length() - position));
    position += (int) skipped;
    return skipped;
  }

  @Override
  public int available() {
    return body.length() - position;
  }

  @Override
  public long transferTo(OutputStream out) throws IOException {
    int n = body.length() - position;
    out.write(body.array(), position, n);
    position = body.length();
    return n;
  }

  @Override
  public boolean isFinished() {
    return position >= body.length();
  }

  @Override
  public boolean isReady() {
    return true;
  }

  /**
   * Calls the listener from a container thread: {@code onDataAvailable} while data remains (it may
   * read everything at once, since {@link #isReady()} stays true), then {@code onAllDataRead}.
   *
   * @throws IllegalStateException if the request is not in async mode or a listener is already set
   */
  @Override
  public void setReadListener(ReadListener readListener) {
    Objects.requireNonNull(readListener, "readListener");
    if (listener != null) {
      throw new IllegalStateException("A ReadListener is already set.");
    }
    if (!request.isAsyncStarted()) {
      throw new IllegalStateException(
          "setReadListener requires async mode; call startAsync() first.");
    }
    listener = readListener;
    request.getAsyncContext().start(this::notifyListener);
  }

  private void notifyListener() {
    try {
      if (!isFinished()) {
        listener.onDataAvailable();
      }
      if (isFinished()) {
        listener.onAllDataRead();
      }
    } catch (Throwable t) {
      listener.onError(t);
    }
  }
}
