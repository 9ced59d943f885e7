package dev.wharf.server.security.ssl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Loads a listener's key store (its identity) and trust store (whom it trusts) from Kafka's
 * {@code ssl.keystore.*} and {@code ssl.truststore.*} keys: a JKS or PKCS12 file, a PEM file, or
 * PEM given inline ({@code ssl.keystore.key} with {@code ssl.keystore.certificate.chain}, {@code
 * ssl.truststore.certificates}), with Kafka's rules on which keys go together.
 *
 * <p>Stateless; any thread. Every error is an IllegalArgumentException naming the key at fault.
 */
final class SslStores {
    static final String PEM = "PEM";
    /** The alias of the key entry made from PEM. */
    private static final String ALIAS = "wharf";

    private SslStores() {}

    /** The key managers for the key store in {@code ssl}, or null when none is configured. */
    static KeyManagerFactory keyManagers(Map<String, String> ssl, String algorithm) {
        String type = ssl.getOrDefault(SslKeys.KEYSTORE_TYPE, "JKS");
        String location = ssl.get(SslKeys.KEYSTORE_LOCATION);
        String password = ssl.get(SslKeys.KEYSTORE_PASSWORD);
        String keyPassword = ssl.get(SslKeys.KEY_PASSWORD);
        String inlineKey = ssl.get(SslKeys.KEYSTORE_KEY);
        String inlineChain = ssl.get(SslKeys.KEYSTORE_CERTIFICATE_CHAIN);
        checkType(type, SslKeys.KEYSTORE_TYPE);

        KeyStore store;
        char[] entryPassword;
        if (inlineKey != null || inlineChain != null) {
            requirePem(type, SslKeys.KEYSTORE_TYPE, inlineKey != null ? SslKeys.KEYSTORE_KEY : SslKeys.KEYSTORE_CERTIFICATE_CHAIN);
            forbid(location, SslKeys.KEYSTORE_LOCATION, "when the key store is given inline");
            require(inlineKey, SslKeys.KEYSTORE_KEY, "with " + SslKeys.KEYSTORE_CERTIFICATE_CHAIN);
            require(inlineChain, SslKeys.KEYSTORE_CERTIFICATE_CHAIN, "with " + SslKeys.KEYSTORE_KEY);
            forbid(password, SslKeys.KEYSTORE_PASSWORD, "with PEM, only " + SslKeys.KEY_PASSWORD + " may be");
            entryPassword = pemEntryPassword(keyPassword);
            store = pemKeyStore(inlineKey, SslKeys.KEYSTORE_KEY, inlineChain, SslKeys.KEYSTORE_CERTIFICATE_CHAIN, keyPassword);
        } else if (location == null) {
            return null;
        } else if (isPem(type)) {
            forbid(password, SslKeys.KEYSTORE_PASSWORD, "with PEM, only " + SslKeys.KEY_PASSWORD + " may be");
            String pem = read(location, SslKeys.KEYSTORE_LOCATION);
            entryPassword = pemEntryPassword(keyPassword);
            store = pemKeyStore(pem, SslKeys.KEYSTORE_LOCATION, pem, SslKeys.KEYSTORE_LOCATION, keyPassword);
        } else {
            require(password, SslKeys.KEYSTORE_PASSWORD, "with " + SslKeys.KEYSTORE_LOCATION);
            store = load(type, location, password, SslKeys.KEYSTORE_LOCATION, SslKeys.KEYSTORE_PASSWORD);
            entryPassword = (keyPassword != null ? keyPassword : password).toCharArray();
        }
        KeyManagerFactory factory;
        try {
            factory = KeyManagerFactory.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException(SslKeys.KEYMANAGER_ALGORITHM + ": unknown algorithm " + algorithm, e);
        }
        try {
            factory.init(store, entryPassword);
        } catch (UnrecoverableKeyException e) {
            throw new IllegalArgumentException(SslKeys.KEY_PASSWORD + ": does not unlock the private key in the key store", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(SslKeys.KEYSTORE_LOCATION + ": unusable key store: " + e.getMessage(), e);
        }
        return factory;
    }

    /** The trust managers for the trust store in {@code ssl}; the JDK's default CAs when none is configured. */
    static TrustManagerFactory trustManagers(Map<String, String> ssl, String algorithm) {
        String type = ssl.getOrDefault(SslKeys.TRUSTSTORE_TYPE, "JKS");
        String location = ssl.get(SslKeys.TRUSTSTORE_LOCATION);
        String password = ssl.get(SslKeys.TRUSTSTORE_PASSWORD);
        String inline = ssl.get(SslKeys.TRUSTSTORE_CERTIFICATES);
        checkType(type, SslKeys.TRUSTSTORE_TYPE);

        KeyStore store;
        if (inline != null) {
            requirePem(type, SslKeys.TRUSTSTORE_TYPE, SslKeys.TRUSTSTORE_CERTIFICATES);
            forbid(location, SslKeys.TRUSTSTORE_LOCATION, "with " + SslKeys.TRUSTSTORE_CERTIFICATES);
            forbid(password, SslKeys.TRUSTSTORE_PASSWORD, "with PEM");
            store = pemTrustStore(inline, SslKeys.TRUSTSTORE_CERTIFICATES);
        } else if (location == null) {
            store = null;
        } else if (isPem(type)) {
            forbid(password, SslKeys.TRUSTSTORE_PASSWORD, "with PEM");
            store = pemTrustStore(read(location, SslKeys.TRUSTSTORE_LOCATION), SslKeys.TRUSTSTORE_LOCATION);
        } else {
            // A trust store may be read without its password (its integrity is then not checked).
            store = load(type, location, password, SslKeys.TRUSTSTORE_LOCATION, SslKeys.TRUSTSTORE_PASSWORD);
        }
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(algorithm);
            factory.init(store);
            return factory;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException(SslKeys.TRUSTMANAGER_ALGORITHM + ": unknown algorithm " + algorithm, e);
        } catch (KeyStoreException e) {
            throw new IllegalArgumentException(SslKeys.TRUSTSTORE_LOCATION + ": unusable trust store: " + e.getMessage(), e);
        }
    }

    static boolean isPem(String type) {
        return PEM.equalsIgnoreCase(type);
    }

    private static KeyStore load(String type, String location, String password, String locationKey, String passwordKey) {
        KeyStore store = emptyStore(type);
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            store.load(in, chars(password));
            return store;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(locationKey + ": no such file " + location, e);
        } catch (IOException e) {
            // KeyStore.load reports a wrong password as an IOException caused by UnrecoverableKeyException.
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new IllegalArgumentException(passwordKey + ": wrong password for " + location, e);
            }
            throw new IllegalArgumentException(locationKey + ": cannot read " + location + " as "
                    + type.toUpperCase(Locale.ROOT) + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(locationKey + ": cannot read " + location + ": " + e.getMessage(), e);
        }
    }

    /** An in-memory store holding the PEM key under {@link #pemEntryPassword}. */
    private static KeyStore pemKeyStore(String keyPem, String keyKey, String chainPem, String chainKey, String keyPassword) {
        PrivateKey key = Pem.privateKey(keyPem, chars(keyPassword), keyKey, SslKeys.KEY_PASSWORD);
        List<X509Certificate> chain = Pem.certificates(chainPem, chainKey);
        KeyStore store = emptyStore("PKCS12");
        try {
            store.setKeyEntry(ALIAS, key, pemEntryPassword(keyPassword), chain.toArray(new Certificate[0]));
        } catch (KeyStoreException e) {
            throw new IllegalArgumentException(chainKey + ": the certificate chain does not go with the private key: "
                    + e.getMessage(), e);
        }
        return store;
    }

    private static KeyStore pemTrustStore(String pem, String key) {
        KeyStore store = emptyStore("PKCS12");
        List<X509Certificate> certificates = Pem.certificates(pem, key);
        try {
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("ca-" + i, certificates.get(i));
            }
        } catch (KeyStoreException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
        return store;
    }

    private static KeyStore emptyStore(String type) {
        try {
            KeyStore store = KeyStore.getInstance(type);
            store.load(null, null);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make an empty " + type + " key store", e);
        }
    }

    private static void checkType(String type, String key) {
        if (isPem(type)) {
            return;
        }
        try {
            KeyStore.getInstance(type);
        } catch (KeyStoreException e) {
            throw new IllegalArgumentException(key + ": unknown store type " + type + " (JKS, PKCS12 or PEM)", e);
        }
    }

    private static String read(String location, String key) {
        try {
            return Files.readString(Path.of(location), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(key + ": no such file " + location, e);
        } catch (IOException e) {
            throw new IllegalArgumentException(key + ": cannot read " + location + ": " + e.getMessage(), e);
        }
    }

    private static void requirePem(String type, String typeKey, String givenKey) {
        if (!isPem(type)) {
            throw new IllegalArgumentException(typeKey + ": must be PEM when " + givenKey + " is given, not " + type);
        }
    }

    private static void require(String value, String key, String when) {
        if (value == null) {
            throw new IllegalArgumentException(key + ": required " + when);
        }
    }

    private static void forbid(String value, String key, String when) {
        if (value != null) {
            throw new IllegalArgumentException(key + ": cannot be given " + when);
        }
    }

    /** A PKCS12 key entry needs some password, even when the PEM key had none. */
    private static char[] pemEntryPassword(String keyPassword) {
        return keyPassword == null ? new char[0] : keyPassword.toCharArray();
    }

    private static char[] chars(String password) {
        return password == null ? null : password.toCharArray();
    }
}
