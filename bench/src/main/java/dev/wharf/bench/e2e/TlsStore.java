package dev.wharf.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The key and trust store of the TLS workloads, made at bench time with the JDK's {@code keytool}
 * and deleted with the run's directory, so no key is ever committed: one PKCS12 file holding a
 * self-signed EC P-256 key pair for CN=localhost, with the subject alternative names
 * {@code dns:localhost} and {@code ip:127.0.0.1}. Both brokers serve with it; the load tools
 * trust it (a PKCS12 key entry's certificate is trusted like a certificate entry), and check the
 * host name as Kafka's clients do by default ({@code ssl.endpoint.identification.algorithm=https}),
 * which the IP address in the SAN satisfies because both brokers advertise 127.0.0.1.
 * <p>
 * Beside the store, {@code client-ssl.properties}: the settings a load tool reads with
 * {@code --command-config}.
 */
record TlsStore(Path file, String password, Path clientConfig) {
    private static final Duration KEYTOOL_BOUND = Duration.ofSeconds(60);

    /** Makes the store and the client settings in {@code dir} (which must exist). */
    static TlsStore generate(Path dir) throws IOException, InterruptedException {
        Path file = dir.resolve("bench-tls.p12");
        // a fresh random password per run: nothing to keep secret, but nothing to guess either
        String password = UUID.randomUUID().toString();
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = List.of(keytool.toString(), "-genkeypair", "-noprompt", "-alias", "bench-broker",
                "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", password, "-keypass", password);
        Path output = dir.resolve("keytool.log");
        Process keytoolRun = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!keytoolRun.waitFor(KEYTOOL_BOUND.toSeconds(), TimeUnit.SECONDS)) {
            keytoolRun.destroyForcibly();
            throw new IOException("keytool did not finish within " + KEYTOOL_BOUND);
        }
        if (keytoolRun.exitValue() != 0 || !Files.isRegularFile(file)) {
            throw new IOException("keytool exited with " + keytoolRun.exitValue() + ":\n" + Files.readString(output));
        }
        Path clientConfig = dir.resolve("client-ssl.properties");
        TlsStore store = new TlsStore(file, password, clientConfig);
        Files.write(clientConfig, store.clientSettings());
        return store;
    }

    /**
     * The {@code ssl.*} settings of a broker's TLS listener, with Kafka's keys (Wharf reads the
     * same ones); everything else at each broker's defaults.
     */
    List<String> brokerSettings() {
        return List.of("ssl.keystore.type=PKCS12", "ssl.keystore.location=" + file, "ssl.keystore.password=" + password,
                "ssl.key.password=" + password, "ssl.truststore.type=PKCS12", "ssl.truststore.location=" + file,
                "ssl.truststore.password=" + password);
    }

    /** A client's settings: TLS, trusting the store's certificate; host names checked (Kafka's default). */
    List<String> clientSettings() {
        return List.of("security.protocol=SSL", "ssl.truststore.type=PKCS12", "ssl.truststore.location=" + file,
                "ssl.truststore.password=" + password);
    }
}
