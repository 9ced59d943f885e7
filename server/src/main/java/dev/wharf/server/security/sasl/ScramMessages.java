package dev.wharf.server.security.sasl;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The four SCRAM messages (RFC 5802 section 7) as Kafka's clients send and expect them:
 *
 * <pre>
 * client-first  n,[a=authzid],n=saslname,r=c-nonce[,ext=value...]      (Kafka: tokenauth=true)
 * server-first  r=c-nonce s-nonce,s=salt(base64),i=iterations
 * client-final  c=base64(gs2-header),r=nonce[,ext...],p=proof(base64)
 * server-final  v=signature(base64)   or   e=error
 * </pre>
 *
 * Only the GS2 flag "n" (no channel binding) is accepted, as Kafka does. Parse errors are
 * {@link SaslAuthenticationException}s whose message may go to the client. Stateless.
 */
final class ScramMessages {
    private static final Base64.Encoder B64 = Base64.getEncoder();

    private ScramMessages() {
    }

    /** The client's first message; {@code bare} is the part after the GS2 header. */
    record ClientFirst(String gs2Header, String authzid, String saslName, String nonce,
            Map<String, String> extensions, String bare) {
        String text() {
            return gs2Header + bare;
        }

        static ClientFirst of(String saslName, String nonce) {
            return new ClientFirst("n,,", "", saslName, nonce, Map.of(), "n=" + saslName + ",r=" + nonce);
        }

        static ClientFirst parse(byte[] bytes) throws SaslAuthenticationException {
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (!text.startsWith("n,")) {
                throw new SaslAuthenticationException("Invalid SCRAM client first message: only the GS2 "
                        + "header 'n' (no channel binding) is supported");
            }
            int headerEnd = text.indexOf(',', 2);
            if (headerEnd < 0) {
                throw new SaslAuthenticationException("Invalid SCRAM client first message: no GS2 header");
            }
            String authzPart = text.substring(2, headerEnd);
            String authzid = "";
            if (!authzPart.isEmpty()) {
                if (!authzPart.startsWith("a=")) {
                    throw new SaslAuthenticationException("Invalid SCRAM client first message: bad authzid");
                }
                authzid = username(authzPart.substring(2));
            }
            String bare = text.substring(headerEnd + 1);
            List<String[]> attrs = attributes(bare, "client first");
            if (attrs.size() < 2 || !attrs.get(0)[0].equals("n") || !attrs.get(1)[0].equals("r")
                    || attrs.get(1)[1].isEmpty()) {
                throw new SaslAuthenticationException(
                        "Invalid SCRAM client first message: expected n=<user>,r=<nonce>");
            }
            Map<String, String> extensions = new LinkedHashMap<>();
            for (String[] a : attrs.subList(2, attrs.size())) {
                extensions.put(a[0], a[1]);
            }
            return new ClientFirst(text.substring(0, headerEnd + 1), authzid, attrs.get(0)[1], attrs.get(1)[1],
                    extensions, bare);
        }
    }

    record ServerFirst(String nonce, byte[] salt, int iterations, String text) {
        static ServerFirst of(String nonce, byte[] salt, int iterations) {
            return new ServerFirst(nonce, salt, iterations,
                    "r=" + nonce + ",s=" + B64.encodeToString(salt) + ",i=" + iterations);
        }

        static ServerFirst parse(byte[] bytes) throws SaslAuthenticationException {
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (text.startsWith("e=")) {
                throw new SaslAuthenticationException("SCRAM authentication failed: " + text.substring(2));
            }
            List<String[]> attrs = attributes(text, "server first");
            if (attrs.size() < 3 || !attrs.get(0)[0].equals("r") || !attrs.get(1)[0].equals("s")
                    || !attrs.get(2)[0].equals("i")) {
                throw new SaslAuthenticationException("Invalid SCRAM server first message: " + text);
            }
            try {
                return new ServerFirst(attrs.get(0)[1], Base64.getDecoder().decode(attrs.get(1)[1]),
                        Integer.parseInt(attrs.get(2)[1]), text);
            } catch (IllegalArgumentException e) {
                throw new SaslAuthenticationException("Invalid SCRAM server first message: " + text, e);
            }
        }
    }

    /** The client's final message; {@code withoutProof} is what the AuthMessage includes. */
    record ClientFinal(String channelBinding, String nonce, byte[] proof, String withoutProof) {
        static String withoutProof(String gs2Header, String nonce) {
            return "c=" + B64.encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8)) + ",r=" + nonce;
        }

        static ClientFinal parse(byte[] bytes) throws SaslAuthenticationException {
            String text = new String(bytes, StandardCharsets.UTF_8);
            int proofAt = text.lastIndexOf(",p=");
            List<String[]> attrs = attributes(text, "client final");
            if (proofAt < 0 || attrs.size() < 3 || !attrs.get(0)[0].equals("c") || !attrs.get(1)[0].equals("r")
                    || !attrs.get(attrs.size() - 1)[0].equals("p")) {
                throw new SaslAuthenticationException(
                        "Invalid SCRAM client final message: expected c=<binding>,r=<nonce>,...,p=<proof>");
            }
            try {
                return new ClientFinal(attrs.get(0)[1], attrs.get(1)[1],
                        Base64.getDecoder().decode(attrs.get(attrs.size() - 1)[1]), text.substring(0, proofAt));
            } catch (IllegalArgumentException e) {
                throw new SaslAuthenticationException("Invalid SCRAM client final message: proof is not base64");
            }
        }
    }

    /** The AuthMessage both sides sign (RFC 5802 section 3). */
    static byte[] authMessage(ClientFirst clientFirst, ServerFirst serverFirst, String clientFinalWithoutProof) {
        return (clientFirst.bare() + "," + serverFirst.text() + "," + clientFinalWithoutProof)
                .getBytes(StandardCharsets.UTF_8);
    }

    /** RFC 5802's saslname: ',' and '=' escaped as =2C and =3D. */
    static String saslName(String username) {
        return username.replace("=", "=3D").replace(",", "=2C");
    }

    static String username(String saslName) throws SaslAuthenticationException {
        String replaced = saslName.replace("=2C", ",").replace("=3D", "\u0000");
        if (replaced.indexOf('=') >= 0) {
            throw new SaslAuthenticationException("Invalid SCRAM user name: '=' must be escaped");
        }
        return replaced.replace('\u0000', '=');
    }

    /** Splits {@code a=value,b=value}: single-letter-or-word keys, values without commas. */
    private static List<String[]> attributes(String text, String which) throws SaslAuthenticationException {
        List<String[]> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new SaslAuthenticationException("Invalid SCRAM " + which + " message: '" + part
                        + "' is not an attribute");
            }
            out.add(new String[] {part.substring(0, eq), part.substring(eq + 1)});
        }
        return out;
    }
}
