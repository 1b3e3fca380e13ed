package dev.geofence.filter.internal;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * The response as the application sees it when the audit log holds the request for its record: the
 * application cannot finish the answer by itself, so the caller has the whole answer only after the
 * filter has written the record and returned.
 *
 * <p>Why: a response with a {@code Content-Length} is complete for the caller as soon as its last
 * byte is sent, and containers send it as soon as the application writes it (Jetty completes such a
 * response at once). The record of a request let through is written when the application returns,
 * so without this wrapper a crash in between loses the record of an answered request. The wrapper
 * drops {@code Content-Length} (the container sets it itself when the body fits its buffer, or
 * sends chunks whose end waits for the filter) and turns {@code close()} of the body into {@code
 * flush()}. Confined to the request thread.
 */
final class HeldResponse extends HttpServletResponseWrapper {

  private ServletOutputStream stream;
  private PrintWriter writer;

  HeldResponse(HttpServletResponse response) {
    super(response);
  }

  @Override
  public void setContentLength(int length) {
    // withheld: see the class comment
  }

  @Override
  public void setContentLengthLong(long length) {
    // withheld: see the class comment
  }

  @Override
  public void setHeader(String name, String value) {
    if (!isContentLength(name)) {
      super.setHeader(name, value);
    }
  }

  @Override
  public void addHeader(String name, String value) {
    if (!isContentLength(name)) {
      super.addHeader(name, value);
    }
  }

  @Override
  public void setIntHeader(String name, int value) {
    if (!isContentLength(name)) {
      super.setIntHeader(name, value);
    }
  }

  @Override
  public void addIntHeader(String name, int value) {
    if (!isContentLength(name)) {
      super.addIntHeader(name, value);
    }
  }

  private static boolean isContentLength(String name) {
    return "Content-Length".equalsIgnoreCase(name);
  }

  @Override
  public ServletOutputStream getOutputStream() throws IOException {
    if (stream == null) {
      stream = new UnclosableStream(super.getOutputStream());
    }
    return stream;
  }

  @Override
  public PrintWriter getWriter() throws IOException {
    if (writer == null) {
      PrintWriter inner = super.getWriter();
      writer =
          new PrintWriter(inner) {
            @Override
            public void close() {
              flush();
            }

            @Override
            public boolean checkError() {
              return super.checkError() || inner.checkError();
            }
          };
    }
    return writer;
  }

  /** The container's body stream, except that closing it only flushes. */
  private static final class UnclosableStream extends ServletOutputStream {
    private final ServletOutputStream out;

    UnclosableStream(ServletOutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }

    @Override
    public boolean isReady() {
      return out.isReady();
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      out.setWriteListener(listener);
    }
  }
}
