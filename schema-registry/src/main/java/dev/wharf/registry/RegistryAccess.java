package dev.wharf.registry;

import javax.net.ssl.SSLSession;

/**
 * Who may use the registry: authenticates each request (from its {@code Authorization} header) and
 * says what the caller may do to each subject. The broker provides it from its own users and ACLs;
 * {@link #OPEN} lets everyone do everything.
 */
public interface RegistryAccess {
    /** What a request does to a subject (or, for a null subject, to the registry's own settings). */
    enum Operation {
        /** Read its versions, look a schema up in it, check a schema against it, read its settings. */
        READ,
        /** Register a version. */
        WRITE,
        /** Delete versions. */
        DELETE,
        /** Set or remove its compatibility level or mode. */
        CONFIGURE
    }

    /** One authenticated caller. */
    interface Caller {
        boolean may(Operation operation, String subject);

        /** The caller as ACLs name it ({@code User:alice}), for messages. */
        String principal();
    }

    Caller EVERYONE = new Caller() {
        @Override
        public boolean may(Operation operation, String subject) {
            return true;
        }

        @Override
        public String principal() {
            return "User:ANONYMOUS";
        }
    };

    RegistryAccess OPEN = (authorization, host, tls) -> EVERYONE;

    /**
     * The caller sending {@code authorization} (the header's value, null when absent) from
     * {@code host} (an IP) over {@code tls} (null for plain HTTP); a 401 {@link RegistryException}
     * when it does not authenticate.
     */
    Caller authenticate(String authorization, String host, SSLSession tls);
}
