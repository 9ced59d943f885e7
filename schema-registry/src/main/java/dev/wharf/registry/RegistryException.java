package dev.wharf.registry;

import java.util.List;

/**
 * A request the registry refuses, with the HTTP status and the Confluent {@code error_code} every
 * schema registry client keys on (40401 subject not found, 409 incompatible, 42201 invalid
 * schema, ...). The factories are the whole list Wharf answers; their messages read as
 * Confluent's, since users search for them.
 */
public final class RegistryException extends RuntimeException {
    private final int status;
    private final int errorCode;

    public RegistryException(int status, int errorCode, String message) {
        super(message, null, false, false);
        this.status = status;
        this.errorCode = errorCode;
    }

    public int status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }

    /** A request without valid credentials where the registry asks for them. */
    public static RegistryException unauthorized() {
        return new RegistryException(401, 401, "Unauthorized");
    }

    /** An authenticated caller the ACLs do not allow {@code operation} on {@code subject} (null: the registry's settings). */
    public static RegistryException denied(String principal, RegistryAccess.Operation operation, String subject) {
        return new RegistryException(403, 40301, "User " + principal + " is denied operation " + operation + " on "
                + (subject == null ? "the registry's settings" : "subject " + subject));
    }

    /** A caller who may read no subject using schema {@code id}. */
    public static RegistryException deniedSchema(String principal, int id) {
        return new RegistryException(403, 40301, "User " + principal + " is denied operation READ on schema " + id);
    }

    public static RegistryException subjectNotFound(String subject) {
        return new RegistryException(404, 40401, "Subject '" + subject + "' not found.");
    }

    public static RegistryException versionNotFound(int version) {
        return new RegistryException(404, 40402, "Version " + version + " not found.");
    }

    public static RegistryException schemaNotFound(int id) {
        return new RegistryException(404, 40403, "Schema " + id + " not found");
    }

    public static RegistryException schemaNotFound() {
        return new RegistryException(404, 40403, "Schema not found");
    }

    public static RegistryException subjectSoftDeleted(String subject) {
        return new RegistryException(404, 40404, "Subject '" + subject + "' was soft deleted. Set permanent=true to delete permanently");
    }

    public static RegistryException subjectNotSoftDeleted(String subject) {
        return new RegistryException(404, 40405, "Subject '" + subject + "' was not deleted first before being permanently deleted");
    }

    public static RegistryException versionSoftDeleted(String subject, int version) {
        return new RegistryException(404, 40406, "Subject '" + subject + "' Version " + version
                + " was soft deleted. Set permanent=true to delete permanently");
    }

    public static RegistryException versionNotSoftDeleted(String subject, int version) {
        return new RegistryException(404, 40407, "Subject '" + subject + "' Version " + version
                + " was not deleted first before being permanently deleted");
    }

    public static RegistryException compatibilityNotConfigured(String subject) {
        return new RegistryException(404, 40408, "Subject '" + subject + "' does not have subject-level compatibility configured");
    }

    public static RegistryException modeNotConfigured(String subject) {
        return new RegistryException(404, 40409, "Subject '" + subject + "' does not have subject-level mode configured");
    }

    public static RegistryException incompatible(String subject, List<String> reasons) {
        return new RegistryException(409, 409, "Schema being registered is incompatible with an earlier schema for subject \""
                + subject + "\", details: " + reasons);
    }

    public static RegistryException invalidSchema(String message) {
        return new RegistryException(422, 42201, message);
    }

    public static RegistryException invalidVersion(String version) {
        return new RegistryException(422, 42202, "The specified version '" + version + "' is not a valid version id. "
                + "Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    public static RegistryException invalidCompatibilityLevel() {
        return new RegistryException(422, 42203, "Invalid compatibility level. Valid values are none, backward, forward, full, "
                + "backward_transitive, forward_transitive, and full_transitive");
    }

    public static RegistryException invalidMode() {
        return new RegistryException(422, 42204, "Invalid mode. Valid values are READWRITE, READONLY, READONLY_OVERRIDE, and IMPORT.");
    }

    public static RegistryException notPermitted(String message) {
        return new RegistryException(422, 42205, message);
    }

    public static RegistryException referenceExists(String subject, int version) {
        return new RegistryException(422, 42206, "One or more references exist to the schema {magic=1,keytype=SCHEMA,subject="
                + subject + ",version=" + version + "}.");
    }

    public static RegistryException invalidSubject(String subject) {
        return new RegistryException(422, 42208, "The specified subject '" + subject + "' is not a valid.");
    }

    public static RegistryException storeError(String message) {
        return new RegistryException(500, 50001, message);
    }

    public static RegistryException timeout(String message) {
        return new RegistryException(500, 50002, message);
    }

    public static RegistryException forwardingFailed(String message) {
        return new RegistryException(500, 50003, message);
    }

    public static RegistryException unknownWriter() {
        return new RegistryException(500, 50004, "Leader not known.");
    }
}
