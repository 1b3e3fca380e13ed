package dev.geofence.benchmarks;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A response that keeps status and headers and counts the body bytes written, discarding them.
 * Other servlet methods throw {@link UnsupportedOperationException} naming them (see {@link
 * MemoryRequest}). Not thread-safe.
 */
final class MemoryResponse extends HttpServletResponseWrapper {

  private static final HttpServletResponse UNSUPPORTED =
      (HttpServletResponse)
          Proxy.newProxyInstance(
              MemoryResponse.class.getClassLoader(),
              new Class<?>[] {HttpServletResponse.class},
              (proxy, method, args) -> {
                throw new UnsupportedOperationException(
                    "MemoryResponse does not implement " + method.getName());
              });

  private int status = 200;
  private String contentType;
  private Map<String, List<String>> headers;
  private long written;
  private Sink sink;

  MemoryResponse() {
    super(UNSUPPORTED);
  }

  @Override
  public void setStatus(int status) {
    this.status = status;
  }

  @Override
  public int getStatus() {
    return status;
  }

  @Override
  public void setContentType(String type) {
    this.contentType = type;
  }

  @Override
  public String getContentType() {
    return contentType;
  }

  @Override
  public void setContentLength(int length) {
    setHeader("Content-Length", Integer.toString(length));
  }

  @Override
  public void setContentLengthLong(long length) {
    setHeader("Content-Length", Long.toString(length));
  }

  @Override
  public void setCharacterEncoding(String charset) {
    // The body is counted, not decoded.
  }

  @Override
  public boolean isCommitted() {
    return false;
  }

  @Override
  public void setHeader(String name, String value) {
    headers().put(name, new ArrayList<>(List.of(value)));
  }

  @Override
  public void addHeader(String name, String value) {
    headers().computeIfAbsent(name, n -> new ArrayList<>()).add(value);
  }

  @Override
  public void setIntHeader(String name, int value) {
    setHeader(name, Integer.toString(value));
  }

  @Override
  public boolean containsHeader(String name) {
    return headers != null && headers.containsKey(name);
  }

  @Override
  public String getHeader(String name) {
    List<String> values = headers == null ? null : headers.get(name);
    return values == null ? null : values.get(0);
  }

  @Override
  public Collection<String> getHeaders(String name) {
    List<String> values = headers == null ? null : headers.get(name);
    return values == null ? List.of() : List.copyOf(values);
  }

  @Override
  public Collection<String> getHeaderNames() {
    return headers == null ? List.of() : List.copyOf(headers.keySet());
  }

  @Override
  public ServletOutputStream getOutputStream() {
    if (sink == null) {
      sink = new Sink();
    }
    return sink;
  }

  @Override
  public PrintWriter getWriter() {
    return new PrintWriter(new OutputStreamWriter(getOutputStream(), StandardCharsets.UTF_8));
  }

  @Override
  public void flushBuffer() {
    // Nothing is buffered.
  }

  @Override
  public void resetBuffer() {
    written = 0;
  }

  @Override
  public void reset() {
    resetBuffer();
    status = 200;
    contentType = null;
    headers = null;
  }

  @Override
  public String getCharacterEncoding() {
    return "UTF-8";
  }

  /** The number of body bytes written. */
  long written() {
    return written;
  }

  private Map<String, List<String>> headers() {
    if (headers == null) {
      headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    }
    return headers;
  }

  private final class Sink extends ServletOutputStream {
    @Override
    public void write(int b) {
      written++;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      written += length;
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      throw new UnsupportedOperationException("MemoryResponse streams are blocking");
    }
  }
}
