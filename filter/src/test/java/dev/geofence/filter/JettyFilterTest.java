package dev.geofence.filter;

/** The contract cases in Jetty 12 ee10. */
class JettyFilterTest extends FilterContractTest {
  @Override
  Container newContainer() {
    return new JettyContainer();
  }
}
