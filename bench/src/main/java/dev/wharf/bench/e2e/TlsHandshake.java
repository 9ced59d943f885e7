package dev.wharf.bench.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * What a broker's TLS listener agrees to with a client that offers what Kafka's clients offer by
 * default (the JDK's TLSv1.3 context, TLSv1.2 and 1.3 enabled, the JDK's cipher suites, host
 * name checked): the protocol and cipher suite, for the report. The two brokers' engines may pick
 * different suites from the same offer, and a suite's cost shows in the figures.
 */
final class TlsHandshake {
    private static final int TIMEOUT_MS = 10_000;

    private TlsHandshake() {
    }

    /** For example {@code "TLSv1.3 TLS_AES_256_GCM_SHA384"}. */
    static String negotiated(String host, int port, TlsStore store) throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store.file())) {
            trusted.load(in, store.password().toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, trust.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setProtocols(new String[] {"TLSv1.2", "TLSv1.3"});
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            SSLSession session = socket.getSession();
            return session.getProtocol() + " " + session.getCipherSuite();
        }
    }
}
