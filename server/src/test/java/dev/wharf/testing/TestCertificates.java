package dev.wharf.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made at test time (never committed): one CA per instance, a server certificate for
 * {@code localhost} (SANs DNS:localhost and IP:127.0.0.1), client certificates with any
 * distinguished name, and their key and trust stores as JKS, PKCS12 or PEM files, or as inline
 * PEM strings; plus ready-made maps of a broker's {@code ssl.*} settings and of a Kafka client's
 * properties. Keys are EC P-256 (fast to make). One instance per test class is plenty.
 *
 * <p>Not thread-safe; create and use it from the test's thread.
 */
public final class TestCertificates {
    /** The password of every JKS and PKCS12 store and of every encrypted PEM key made here. */
    public static final String PASSWORD = "wharf-test-secret";
    /** The server certificate's subject. */
    public static final String SERVER_DN = "CN=localhost,OU=broker,O=Wharf";

    /** How a key store or trust store is written, by its {@code ssl.*.type} name. */
    public enum StoreType {
        JKS, PKCS12, PEM
    }

    /** A private key with its certificate, issued by this instance's CA. */
    public record Identity(PrivateKey key, X509Certificate certificate, X509Certificate ca) {
        /** The subject as {@code X500Principal.getName()} gives it (RFC 2253), as the broker sees it. */
        public String distinguishedName() {
            return certificate.getSubjectX500Principal().getName();
        }

        /** The key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}). */
        public String keyPem() {
            return pem("PRIVATE KEY", key.getEncoded());
        }

        /**
         * The key as PKCS#8 PEM encrypted with {@code password} (PBES2, AES-256-CBC; {@code BEGIN
         * ENCRYPTED PRIVATE KEY}). Wharf reads it; kafka-clients 4.4 on JDK 17 cannot (it asks the
         * JDK for a "PBES2" key factory), so give Kafka clients {@link #keyPem()} instead.
         */
        public String encryptedKeyPem(String password) {
            try {
                var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                        .setProvider(BOUNCY_CASTLE) // the JDK has no AES/CBC/PKCS7Padding by that name
                        .setPassword(password.toCharArray())
                        .build();
                StringWriter out = new StringWriter();
                try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
                    writer.writeObject(new JcaPKCS8Generator(key, encryptor));
                }
                return out.toString();
            } catch (OperatorCreationException | IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The certificate then the CA's, as PEM. */
        public String chainPem() {
            return certificatePem(certificate) + certificatePem(ca);
        }
    }

    /** Used by instance, never registered: the broker's code under test sees only the JDK's providers. */
    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();
    private static final Duration VALIDITY = Duration.ofDays(2);
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    private final Path dir;
    private final KeyPair caKeys;
    private final X509Certificate ca;
    private final Identity server;

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.caKeys = newKeyPair();
        X500Principal caName = new X500Principal("CN=Wharf Test CA,O=Wharf");
        this.ca = sign(caName, caName, caKeys.getPublic(), true, List.of());
        this.server = issue(SERVER_DN, "DNS:localhost", "IP:127.0.0.1");
    }

    /** A new CA and server certificate; store files go under {@code dir} (a JUnit {@code @TempDir}). */
    public static TestCertificates create(Path dir) {
        return new TestCertificates(dir);
    }

    public X509Certificate ca() {
        return ca;
    }

    /** The CA certificate as PEM, the inline form of a trust store. */
    public String caPem() {
        return certificatePem(ca);
    }

    /** The broker's identity: {@link #SERVER_DN} with SANs DNS:localhost and IP:127.0.0.1. */
    public Identity server() {
        return server;
    }

    /** A client certificate with subject {@code distinguishedName}, e.g. "CN=alice,OU=eng,O=Wharf". */
    public Identity client(String distinguishedName) {
        return issue(distinguishedName);
    }

    /**
     * A certificate for {@code distinguishedName} with the given subject alternative names, each
     * "DNS:name" or "IP:address" (none: a certificate no host name check accepts).
     */
    public Identity issue(String distinguishedName, String... subjectAltNames) {
        KeyPair keys = newKeyPair();
        List<GeneralName> names = new ArrayList<>();
        for (String san : subjectAltNames) {
            if (san.startsWith("DNS:")) {
                names.add(new GeneralName(GeneralName.dNSName, san.substring(4)));
            } else if (san.startsWith("IP:")) {
                names.add(new GeneralName(GeneralName.iPAddress, san.substring(3)));
            } else {
                throw new IllegalArgumentException("SAN must be DNS:... or IP:..., not " + san);
            }
        }
        X509Certificate cert = sign(ca.getSubjectX500Principal(), new X500Principal(distinguishedName),
                keys.getPublic(), false, names);
        return new Identity(keys.getPrivate(), cert, ca);
    }

    /** A key store file holding {@code identity} (its key, certificate and the CA), protected by {@link #PASSWORD}. */
    public Path keyStore(Identity identity, StoreType type) {
        String name = fileName(identity.certificate(), "keystore", type);
        if (type == StoreType.PEM) {
            return write(name, identity.keyPem() + identity.chainPem());
        }
        return write(name, type, store -> store.setKeyEntry("key", identity.key(), PASSWORD.toCharArray(),
                new Certificate[] {identity.certificate(), identity.ca()}));
    }

    /** A trust store file holding the CA certificate ({@link #PASSWORD} for JKS and PKCS12). */
    public Path trustStore(StoreType type) {
        String name = fileName(ca, "truststore", type);
        if (type == StoreType.PEM) {
            return write(name, caPem());
        }
        return write(name, type, store -> store.setCertificateEntry("ca", ca));
    }

    /** The {@code ssl.keystore.*} and {@code ssl.truststore.*} settings of {@code identity}, as files of {@code type}. */
    public Map<String, String> storeSettings(Identity identity, StoreType type) {
        Map<String, String> ssl = new HashMap<>();
        String typeName = type.name();
        ssl.put("ssl.keystore.type", typeName);
        ssl.put("ssl.keystore.location", keyStore(identity, type).toString());
        ssl.put("ssl.truststore.type", typeName);
        ssl.put("ssl.truststore.location", trustStore(type).toString());
        if (type != StoreType.PEM) {
            ssl.put("ssl.keystore.password", PASSWORD);
            ssl.put("ssl.key.password", PASSWORD);
            ssl.put("ssl.truststore.password", PASSWORD);
        }
        return ssl;
    }

    /** The broker's {@code ssl.*} settings with its key and trust stores as files of {@code type}. */
    public Map<String, String> brokerSsl(StoreType type) {
        return storeSettings(server, type);
    }

    /** The broker's {@code ssl.*} settings with everything inline as PEM (ssl.keystore.key, ...certificate.chain, ssl.truststore.certificates). */
    public Map<String, String> brokerSslInline() {
        return Map.of(
                "ssl.keystore.type", "PEM",
                "ssl.keystore.key", server.keyPem(),
                "ssl.keystore.certificate.chain", server.chainPem(),
                "ssl.truststore.type", "PEM",
                "ssl.truststore.certificates", caPem());
    }

    /**
     * {@code ssl} as settings of one listener only: each key as {@code
     * listener.name.<listener>.<key>} (listener name lower-cased), as a broker's properties give them.
     */
    public static Map<String, String> forListener(String listenerName, Map<String, String> ssl) {
        Map<String, String> out = new HashMap<>();
        ssl.forEach((key, value) -> out.put("listener.name." + listenerName.toLowerCase(Locale.ROOT) + "." + key, value));
        return out;
    }

    /** A Kafka client's properties for an SSL listener with its trust store (and {@code client}'s key, if not null) inline as PEM. */
    public Map<String, Object> clientPropertiesInline(Identity client) {
        Map<String, Object> props = new HashMap<>();
        props.put("security.protocol", "SSL");
        props.put("ssl.truststore.type", "PEM");
        props.put("ssl.truststore.certificates", caPem());
        if (client != null) {
            props.put("ssl.keystore.type", "PEM");
            props.put("ssl.keystore.key", client.keyPem());
            props.put("ssl.keystore.certificate.chain", client.chainPem());
        }
        return props;
    }

    /** A Kafka client's properties for an SSL listener: security.protocol=SSL and a trust store of {@code type}. */
    public Map<String, Object> clientProperties(StoreType type) {
        Map<String, Object> props = new HashMap<>();
        props.put("security.protocol", "SSL");
        props.put("ssl.truststore.type", type.name());
        props.put("ssl.truststore.location", trustStore(type).toString());
        if (type != StoreType.PEM) {
            props.put("ssl.truststore.password", PASSWORD);
        }
        return props;
    }

    /** {@link #clientProperties(StoreType)} plus {@code client}'s key store, for mutual TLS. */
    public Map<String, Object> clientProperties(StoreType type, Identity client) {
        Map<String, Object> props = clientProperties(type);
        props.put("ssl.keystore.type", type.name());
        props.put("ssl.keystore.location", keyStore(client, type).toString());
        if (type != StoreType.PEM) {
            props.put("ssl.keystore.password", PASSWORD);
            props.put("ssl.key.password", PASSWORD);
        }
        return props;
    }

    /** The PEM form of one certificate. */
    public static String certificatePem(X509Certificate certificate) {
        try {
            return pem("CERTIFICATE", certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    private X509Certificate sign(X500Principal issuer, X500Principal subject, PublicKey key, boolean isCa,
            List<GeneralName> subjectAltNames) {
        try {
            Instant now = Instant.now();
            var extensions = new JcaX509ExtensionUtils();
            var builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIALS.incrementAndGet()),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, key)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(key));
            if (isCa) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.authorityKeyIdentifier, false,
                                extensions.createAuthorityKeyIdentifier(ca))
                        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                        .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                                new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            }
            if (!subjectAltNames.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(subjectAltNames.toArray(new GeneralName[0])));
            }
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a test certificate for " + subject, e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @FunctionalInterface
    private interface StoreFiller {
        void fill(KeyStore store) throws GeneralSecurityException;
    }

    private Path write(String name, StoreType type, StoreFiller filler) {
        try {
            KeyStore store = KeyStore.getInstance(type.name());
            store.load(null, null);
            filler.fill(store);
            Path file = dir.resolve(name);
            try (OutputStream out = Files.newOutputStream(file)) {
                store.store(out, PASSWORD.toCharArray());
            }
            return file;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path write(String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String fileName(X509Certificate certificate, String kind, StoreType type) {
        String extension = type.name().toLowerCase(Locale.ROOT);
        return kind + "-" + certificate.getSerialNumber() + "." + (type == StoreType.PKCS12 ? "p12" : extension);
    }
}
