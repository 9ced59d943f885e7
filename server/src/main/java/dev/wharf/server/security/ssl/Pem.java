package dev.wharf.server.security.ssl;

import java.io.ByteArrayInputStream;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Reads PEM text as Kafka's {@code PEM} store type accepts it (KIP-651): X.509 certificates
 * ({@code BEGIN CERTIFICATE}) and one PKCS#8 private key, plain ({@code BEGIN PRIVATE KEY}) or
 * password-encrypted ({@code BEGIN ENCRYPTED PRIVATE KEY}). Older PKCS#1 keys ({@code BEGIN RSA
 * PRIVATE KEY}) are refused, as Kafka refuses them. Text outside the blocks is ignored.
 *
 * <p>Stateless; any thread. Every error names the config key the text came from.
 */
final class Pem {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final String CERTIFICATE = "CERTIFICATE";
    private static final String PRIVATE_KEY = "PRIVATE KEY";
    private static final String ENCRYPTED_PRIVATE_KEY = "ENCRYPTED PRIVATE KEY";
    /** The key algorithms tried in turn on a PKCS#8 key (its algorithm is inside the DER). */
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "EdDSA", "DSA");

    private Pem() {}

    /** Every certificate in {@code pem}, in order; at least one. */
    static List<X509Certificate> certificates(String pem, String key) {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (byte[] der : blocks(pem, CERTIFICATE, key)) {
                out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException(key + ": not a valid X.509 certificate: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(key + ": no PEM certificate (-----BEGIN CERTIFICATE-----) found");
        }
        return out;
    }

    /**
     * The one private key in {@code pem}; {@code password} (from {@code passwordKey}) decrypts an
     * encrypted one and is required for it.
     */
    static PrivateKey privateKey(String pem, char[] password, String key, String passwordKey) {
        List<byte[]> plain = blocks(pem, PRIVATE_KEY, key);
        List<byte[]> encrypted = blocks(pem, ENCRYPTED_PRIVATE_KEY, key);
        if (plain.size() + encrypted.size() != 1) {
            String problem = plain.size() + encrypted.size() > 1 ? "more than one private key found"
                    : pem.contains("-----BEGIN RSA PRIVATE KEY-----") || pem.contains("-----BEGIN EC PRIVATE KEY-----")
                    ? "the private key is PKCS#1 or SEC1; give it as PKCS#8 (openssl pkcs8 -topk8)"
                    : "no PKCS#8 private key (-----BEGIN PRIVATE KEY----- or -----BEGIN ENCRYPTED PRIVATE KEY-----) found";
            throw new IllegalArgumentException(key + ": " + problem);
        }
        PKCS8EncodedKeySpec spec;
        if (plain.isEmpty()) {
            if (password == null) {
                throw new IllegalArgumentException(passwordKey + ": required, the private key in " + key + " is encrypted");
            }
            spec = decrypt(encrypted.get(0), password, key, passwordKey);
        } else {
            spec = new PKCS8EncodedKeySpec(plain.get(0));
        }
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException notThisAlgorithm) {
                // try the next
            }
        }
        throw new IllegalArgumentException(key + ": the private key is none of " + KEY_ALGORITHMS);
    }

    private static PKCS8EncodedKeySpec decrypt(byte[] der, char[] password, String key, String passwordKey) {
        EncryptedPrivateKeyInfo info;
        String scheme;
        try {
            info = new EncryptedPrivateKeyInfo(der);
            AlgorithmParameters params = info.getAlgParameters();
            // For PBES2 the algorithm name is just "PBES2"; its parameters name the real scheme
            // (e.g. PBEWithHmacSHA256AndAES_256), which is what the factories below want.
            scheme = params != null ? params.toString() : info.getAlgName();
        } catch (Exception e) {
            throw new IllegalArgumentException(key + ": not a valid encrypted PKCS#8 key: " + e.getMessage(), e);
        }
        try {
            SecretKeyFactory factory = SecretKeyFactory.getInstance(scheme);
            Cipher cipher = Cipher.getInstance(scheme);
            cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(new PBEKeySpec(password)), info.getAlgParameters());
            return info.getKeySpec(cipher);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalArgumentException(key + ": the key's encryption " + scheme + " is not supported", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(passwordKey + ": does not decrypt the private key in " + key, e);
        }
    }

    private static List<byte[]> blocks(String pem, String label, String key) {
        List<byte[]> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            if (m.group(1).equals(label)) {
                try {
                    out.add(Base64.getMimeDecoder().decode(m.group(2).trim()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(key + ": bad base64 in a " + label + " block", e);
                }
            }
        }
        return out;
    }
}
